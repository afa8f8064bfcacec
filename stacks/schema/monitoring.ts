import type { MonitoringSettings } from "../../components/observability/monitoringSettings";
import { z } from "zod";
import { ConfigProblem, issue } from "./problems";

/** Prometheus duration as the Prometheus CRD accepts it for `retention` (e.g. 15d, 12h). */
export const PROMETHEUS_DURATION_RE = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
/** Alert `for:` durations we allow (minutes/hours keep rules readable). */
const FOR_RE = /^[1-9][0-9]*[mh]$/;

const duration = z.string().regex(PROMETHEUS_DURATION_RE, { message: issue("is not a Prometheus duration", 'use e.g. "15d" or "12h"') });
const forDuration = z.string().regex(FOR_RE, { message: issue("is not an alert duration", 'use e.g. "5m" or "1h"') });

export const monitoringSchema = z.strictObject({
  /** Slack channel of the `slack` receiver. Default "#alerts" (the spec). */
  slackChannel: z.string().regex(/^[#@][a-z0-9._-]{1,80}$/, { message: issue("is not a Slack channel", 'use e.g. "#alerts"') }),
  prometheus: z.strictObject({
    /** Dev 1, prod 2 (two identical replicas; Alertmanager deduplicates their alerts). */
    replicas: z.number().int().min(1).max(5),
    /** Time-based retention (Prometheus `--storage.tsdb.retention.time`). Dev 7d, prod 15d. */
    retention: duration,
    /** gp3 volume per replica, GiB. Dev 20, prod 100. */
    storageGiB: z.number().int().min(10).max(16384),
  }),
  alertmanager: z.strictObject({
    /** Dev 1, prod 2 (gossip cluster: a page survives the loss of a node). */
    replicas: z.number().int().min(1).max(5),
    /** gp3 volume for silences and notification log, GiB. Default 5. */
    storageGiB: z.number().int().min(1).max(1024),
  }),
  grafana: z.strictObject({
    /** Default 1: Grafana keeps its state in SQLite on the pod; more replicas would need a shared database. */
    replicas: z.literal(1),
  }),
  /** Thresholds of the platform's PrometheusRules. */
  alerts: z.strictObject({
    /** trading-api 5xx share of requests over 5 minutes, percent. Default 5. */
    errorRatePercent: z.number().gt(0).max(100),
    /** trading-api p99 request latency, seconds. Default 0.5. */
    p99LatencySeconds: z.number().gt(0).max(60),
    /** Container restarts in 1 hour that count as a crash loop. Default 3. */
    podRestartsPerHour: z.number().int().min(1).max(100),
    /** Nodes of a pool over its max size, percent, that warns of a pool near its limit. Default 80. */
    nodePoolUsagePercent: z.number().int().min(1).max(100),
    /** How long a condition must hold before it fires. Default 5m. */
    for: forDuration,
  }),
});
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
// The components own their settings' type; the validated config satisfies it.
monitoringSchema satisfies z.ZodType<MonitoringSettings>;

/** Cross-field checks of `entasis:monitoring`. */
export function validateMonitoring(m: MonitoringConfig, environment: string, areaKey = "entasis:monitoring"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (environment === "prod" && m.alertmanager.replicas < 2) {
    problems.push({
      key: `${areaKey}.alertmanager.replicas`,
      value: m.alertmanager.replicas,
      problem: "is below 2 in prod, so one node loss stops every page",
      fix: "use 2 or more",
    });
  }
  if (environment === "prod" && m.prometheus.replicas < 2) {
    problems.push({
      key: `${areaKey}.prometheus.replicas`,
      value: m.prometheus.replicas,
      problem: "is below 2 in prod, so a Prometheus restart leaves the platform unwatched",
      fix: "use 2 (each replica scrapes everything; Alertmanager deduplicates)",
    });
  }
  return problems;
}
