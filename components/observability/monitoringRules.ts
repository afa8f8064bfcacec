import { MonitoringSettings } from "./monitoringSettings";
import { TRADING_API, TradingApiLocation } from "../workloads/names";

/** Job name of the spec's static scrape of trading-api (alerts select on it). */
export const TRADING_JOB = "trading-metrics";

/**
 * Metrics the rules rely on, by the exporter that provides them. Tests check that every rule
 * only names metrics listed here, so a new rule cannot depend on an exporter nobody installed.
 * - trading-api: the Prometheus client library's HTTP instrumentation (the app's contract with
 *   this platform: `http_requests_total{code}` and `http_request_duration_seconds` histogram).
 * - kube-state-metrics 2.x (installed by kube-prometheus-stack).
 * - Prometheus itself (`up`).
 * PostgreSQL and Redis have no exporter in this platform (RDS and ElastiCache are managed; their
 * reachability is watched in CloudWatch by the data tier's owners), so no rule names pg_* or redis_*.
 */
export const RULE_METRICS: Readonly<Record<string, readonly string[]>> = {
  "trading-api": ["http_requests_total", "http_request_duration_seconds_bucket"],
  "kube-state-metrics": [
    "kube_pod_container_status_restarts_total",
    "kube_pod_container_status_waiting_reason",
    "kube_horizontalpodautoscaler_status_current_replicas",
    "kube_horizontalpodautoscaler_spec_max_replicas",
    "kube_node_labels",
  ],
  prometheus: ["up"],
};

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "critical" | "warning" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** A node pool as the alerts see it: its `role` label and its autoscaling ceiling. */
export interface WatchedPool {
  readonly role: string;
  readonly maxSize: number;
}

/** Node count at which a pool is "near max": the configured share of maxSize, at least 1, rounded up. */
export function nearMaxNodes(maxSize: number, percent: number): number {
  return Math.max(1, Math.ceil((maxSize * percent) / 100));
}

/**
 * The platform's alert rules. Thresholds come from `entasis:monitoring.alerts`; pool limits from
 * the cluster config. The chart's default rules (KubePodCrashLooping etc.) stay on; these add the
 * platform's own thresholds and the trading-api rules the chart cannot know.
 */
export function platformRuleGroups(alerts: MonitoringSettings["alerts"], pools: readonly WatchedPool[], api: TradingApiLocation): RuleGroup[] {
  const sel = `job="${TRADING_JOB}"`;
  const errorRatio = alerts.errorRatePercent / 100;
  return [
    {
      name: "trading-api",
      rules: [
        {
          alert: "TradingApiHighErrorRate",
          expr: `sum(rate(http_requests_total{${sel},code=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m])) > ${errorRatio}`,
          for: alerts.for,
          labels: { severity: "critical" },
          annotations: {
            summary: `${TRADING_API} 5xx rate above ${alerts.errorRatePercent}%`,
            description: `{{ $value | humanizePercentage }} of ${TRADING_API} requests failed with 5xx over the last 5 minutes.`,
          },
        },
        {
          alert: "TradingApiHighLatencyP99",
          expr: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m]))) > ${alerts.p99LatencySeconds}`,
          for: alerts.for,
          labels: { severity: "warning" },
          annotations: {
            summary: `${TRADING_API} p99 latency above ${alerts.p99LatencySeconds}s`,
            description: `p99 request latency of ${TRADING_API} is {{ $value | humanizeDuration }}.`,
          },
        },
        {
          alert: "TradingApiMetricsDown",
          expr: `up{${sel}} == 0`,
          for: alerts.for,
          labels: { severity: "critical" },
          annotations: { summary: `${TRADING_API} metrics endpoint unreachable`, description: `Prometheus cannot scrape {{ $labels.instance }} (job ${TRADING_JOB}).` },
        },
      ],
    },
    {
      name: "workloads",
      rules: [
        {
          alert: "PodRestartingOften",
          expr: `increase(kube_pod_container_status_restarts_total[1h]) > ${alerts.podRestartsPerHour}`,
          for: "0m",
          labels: { severity: "warning" },
          annotations: {
            summary: `Container restarted more than ${alerts.podRestartsPerHour} times in 1h`,
            description: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) restarted {{ $value }} times in the last hour.",
          },
        },
        {
          alert: "PodCrashLooping",
          expr: `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1`,
          for: alerts.for,
          labels: { severity: "critical" },
          annotations: { summary: "Container in CrashLoopBackOff", description: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash looping." },
        },
        {
          alert: "HpaAtMaxReplicas",
          expr: "kube_horizontalpodautoscaler_status_current_replicas >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas",
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: "HPA at its maximum replicas",
            description: `{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at max replicas for 15 minutes; ${api.namespace} load may exceed capacity.`,
          },
        },
      ],
    },
    {
      name: "node-pools",
      // kube_node_labels carries label_role only because kube-state-metrics is started with
      // --metric-labels-allowlist=nodes=[role] (see monitoring.ts).
      rules: pools.map((p) => {
        const threshold = nearMaxNodes(p.maxSize, alerts.nodePoolUsagePercent);
        return {
          alert: "NodePoolNearMax",
          expr: `count(kube_node_labels{label_role="${p.role}"}) >= ${threshold}`,
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: `Node pool ${p.role} near its maximum size`,
            description: `Pool ${p.role} runs {{ $value }} of at most ${p.maxSize} nodes (alert at ${threshold}, ${alerts.nodePoolUsagePercent}%); raise maxSize or cut demand.`,
          },
        };
      }),
    },
  ];
}
