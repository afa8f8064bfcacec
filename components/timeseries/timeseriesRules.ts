/**
 * Alert rules of the time-series database, on the metrics CNPG's default monitoring queries export
 * (`cnpg_*`, ConfigMap cnpg-default-monitoring of the operator chart), kubelet volume stats and
 * kube-state-metrics (both scraped by kube-prometheus-stack).
 */
export interface TimeseriesAlertInput {
  readonly namespace: string;
  readonly clusterName: string;
  readonly instances: number;
  readonly replicationLagSeconds: number;
  readonly storageUsagePercent: number;
  readonly for: string;
}

export interface TimeseriesAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "critical" | "warning" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Metrics the rules name, by exporter (tests check every rule uses only these). */
export const TIMESERIES_RULE_METRICS: Readonly<Record<string, readonly string[]>> = {
  cnpg: ["cnpg_pg_replication_lag", "cnpg_pg_replication_in_recovery", "cnpg_pg_replication_streaming_replicas", "cnpg_pg_stat_archiver_seconds_since_last_archival", "cnpg_pg_stat_archiver_failed_count", "cnpg_collector_up"],
  kubelet: ["kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes"],
  "kube-state-metrics": ["kube_pod_status_ready"],
};

export function timeseriesAlerts(a: TimeseriesAlertInput): TimeseriesAlert[] {
  const sel = `namespace="${a.namespace}",pod=~"${a.clusterName}-[0-9]+"`;
  const standbys = a.instances - 1;
  const rules: TimeseriesAlert[] = [
    {
      alert: "TimeseriesReplicationLag",
      expr: `max by (pod) (cnpg_pg_replication_lag{${sel}}) > ${a.replicationLagSeconds}`,
      for: a.for,
      labels: { severity: "warning" },
      annotations: { summary: `TimescaleDB standby more than ${a.replicationLagSeconds}s behind`, description: "{{ $labels.pod }} replays WAL {{ $value | humanizeDuration }} behind the primary." },
    },
    {
      alert: "TimeseriesFailover",
      // An instance that changed between primary and standby in the last 10 minutes.
      expr: `max by (pod) (changes(cnpg_pg_replication_in_recovery{${sel}}[10m])) > 0`,
      for: "0m",
      labels: { severity: "critical" },
      annotations: { summary: "TimescaleDB failover or switchover", description: "{{ $labels.pod }} changed role; check `kubectl cnpg status` and the application's reconnects." },
    },
    {
      alert: "TimeseriesNoPrimary",
      expr: `count(cnpg_pg_replication_in_recovery{${sel}} == 0) < 1 or absent(cnpg_pg_replication_in_recovery{${sel}})`,
      for: "1m",
      labels: { severity: "critical" },
      annotations: { summary: "TimescaleDB has no primary", description: `No instance of ${a.namespace}/${a.clusterName} accepts writes.` },
    },
    {
      alert: "TimeseriesInstanceNotReady",
      expr: `count(kube_pod_status_ready{condition="true",${sel}} == 1) < ${a.instances}`,
      for: a.for,
      labels: { severity: a.instances > 1 ? "warning" : "critical" },
      annotations: { summary: `TimescaleDB has fewer than ${a.instances} ready instance(s)`, description: `{{ $value }} of ${a.instances} instances of ${a.namespace}/${a.clusterName} are ready.` },
    },
    {
      alert: "TimeseriesStorageFilling",
      expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="${a.namespace}"} / kubelet_volume_stats_capacity_bytes{namespace="${a.namespace}"}) * 100 > ${a.storageUsagePercent}`,
      for: a.for,
      labels: { severity: "warning" },
      annotations: { summary: `TimescaleDB volume over ${a.storageUsagePercent}% full`, description: "{{ $labels.persistentvolumeclaim }} is {{ $value | humanize }}% full; raise entasis:timeseries.storageGiB (volumes grow online)." },
    },
    {
      alert: "TimeseriesWalArchivingFailing",
      expr: `max(cnpg_pg_stat_archiver_seconds_since_last_archival{${sel}}) > 600 or increase(cnpg_pg_stat_archiver_failed_count{${sel}}[10m]) > 0`,
      for: a.for,
      labels: { severity: "critical" },
      annotations: { summary: "TimescaleDB WAL archiving to S3 is failing", description: "WAL is not reaching the backup bucket: point-in-time recovery stops at the last archived segment and pg_wal fills." },
    },
    {
      alert: "TimeseriesExporterDown",
      expr: `max by (pod) (cnpg_collector_up{${sel}}) == 0`,
      for: a.for,
      labels: { severity: "warning" },
      annotations: { summary: "TimescaleDB metrics collector down", description: "{{ $labels.pod }} cannot run its monitoring queries." },
    },
  ];
  if (standbys > 0) {
    rules.push({
      alert: "TimeseriesStandbysMissing",
      expr: `max(cnpg_pg_replication_streaming_replicas{${sel}}) < ${standbys}`,
      for: a.for,
      labels: { severity: "warning" },
      annotations: { summary: `TimescaleDB primary streams to fewer than ${standbys} standbys`, description: "{{ $value }} standbys are streaming; the synchronous standby may be missing, which blocks commits." },
    });
  }
  return rules;
}
