import type { RuleGroup } from "../observability/monitoringRules";

/**
 * Metrics the Flink rules rely on, as Flink's Prometheus reporter names them (`flink_` + scope +
 * metric; JobManager job scope). https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/ops/metrics/#checkpointing
 * and #availability. `up` comes from Prometheus itself.
 */
export const FLINK_RULE_METRICS: readonly string[] = [
  "flink_jobmanager_job_numberOfFailedCheckpoints",
  "flink_jobmanager_job_numberOfCompletedCheckpoints",
  "flink_jobmanager_job_numRestarts",
  "up",
];

/** Alerts of the stream-processing engine: checkpoints failing or stalled, jobs restarting, operator gone. */
export function flinkRuleGroups(jobNamespace: string, operatorNamespace: string, checkpointIntervalSeconds: number): RuleGroup[] {
  const ns = `namespace="${jobNamespace}"`;
  // Three intervals without a completed checkpoint: more than one slow checkpoint, less than an outage.
  const stall = Math.max(5, Math.ceil((checkpointIntervalSeconds * 3) / 60));
  return [
    {
      name: "flink-jobs",
      rules: [
        {
          alert: "FlinkCheckpointsFailing",
          expr: `sum by (namespace, job_name) (increase(flink_jobmanager_job_numberOfFailedCheckpoints{${ns}}[10m])) > 0`,
          for: "10m",
          labels: { severity: "critical" },
          annotations: {
            summary: "Flink checkpoints are failing",
            description: "Job {{ $labels.job_name }} in {{ $labels.namespace }} failed {{ $value }} checkpoints in 10 minutes; a restart would replay from the last good one (check S3 access and backpressure).",
          },
        },
        {
          alert: "FlinkCheckpointsStalled",
          expr: `sum by (namespace, job_name) (increase(flink_jobmanager_job_numberOfCompletedCheckpoints{${ns}}[${stall}m])) == 0`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: {
            summary: "Flink job completes no checkpoint",
            description: `Job {{ $labels.job_name }} in {{ $labels.namespace }} completed no checkpoint in ${stall} minutes (interval ${checkpointIntervalSeconds}s).`,
          },
        },
        {
          alert: "FlinkJobRestarting",
          expr: `sum by (namespace, job_name) (increase(flink_jobmanager_job_numRestarts{${ns}}[15m])) > 2`,
          for: "0m",
          labels: { severity: "warning" },
          annotations: { summary: "Flink job restarting", description: "Job {{ $labels.job_name }} in {{ $labels.namespace }} restarted {{ $value }} times in 15 minutes." },
        },
      ],
    },
    {
      name: "flink-operator",
      rules: [
        {
          alert: "FlinkOperatorDown",
          expr: `max(up{namespace="${operatorNamespace}"}) == 0`,
          for: "10m",
          labels: { severity: "warning" },
          annotations: { summary: "Flink operator not scraped", description: `No Flink operator pod in ${operatorNamespace} answers Prometheus: jobs keep running, but no upgrade, savepoint or recovery happens.` },
        },
      ],
    },
  ];
}
