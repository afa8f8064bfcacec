/** The monitoring stack's settings (`entasis:monitoring`, validated by stacks/schema/monitoring.ts). */
export interface MonitoringSettings {
  /** Slack channel of the `slack` receiver. Default "#alerts" (the spec). */
  readonly slackChannel: string;
  readonly prometheus: {
    /** Default 1 (dev) / 2 (prod). */
    readonly replicas: number;
    /** Time-based retention (e.g. 15d). Default 7d (dev) / 15d (prod). */
    readonly retention: string;
    /** gp3 volume per replica, GiB. Default 20 (dev) / 100 (prod). */
    readonly storageGiB: number;
  };
  readonly alertmanager: {
    /** Default 1 (dev) / 2 (prod). */
    readonly replicas: number;
    /** gp3 volume for silences and the notification log, GiB. Default 5. */
    readonly storageGiB: number;
  };
  readonly grafana: {
    /** Always 1: Grafana keeps its state in SQLite on the pod. */
    readonly replicas: 1;
  };
  /** Thresholds of the platform's PrometheusRules. */
  readonly alerts: {
    /** trading-api 5xx share of requests over 5 minutes, percent. Default 5. */
    readonly errorRatePercent: number;
    /** trading-api p99 request latency, seconds. Default 0.5. */
    readonly p99LatencySeconds: number;
    /** Container restarts in 1 hour that count as a crash loop. Default 3. */
    readonly podRestartsPerHour: number;
    /** Nodes of a pool over its max size, percent, that warns of a pool near its limit. Default 80. */
    readonly nodePoolUsagePercent: number;
    /** How long a condition must hold before it fires. Default 5m. */
    readonly for: string;
  };
}
