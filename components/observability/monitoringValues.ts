import { TradingApiLocation } from "../workloads/names";
import { TRADING_JOB } from "./monitoringRules";

/** Where the chart mounts `alertmanagerSpec.secrets` entries: /etc/alertmanager/secrets/<secret>/<key>. */
export function alertmanagerSecretPath(secret: string, key: string): string {
  return `/etc/alertmanager/secrets/${secret}/${key}`;
}

/**
 * The spec's scrape jobs, written into `prometheus.prometheusSpec.additionalScrapeConfigs`.
 *
 * `trading-metrics`: the spec's `trading-api:9090` is a bare Service name, which resolves only
 * inside trading-api's own namespace; Prometheus runs in `monitoring`, so the target is the
 * Service's cluster DNS name in `trading`.
 */
export function scrapeConfigs(api: TradingApiLocation): Record<string, unknown>[] {
  return [
    {
      job_name: "kubernetes-pods",
      kubernetes_sd_configs: [{ role: "pod" }],
      // A string: Prometheus relabel regexes are strings, and YAML `true` is a boolean.
      relabel_configs: [{ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" }],
    },
    {
      job_name: TRADING_JOB,
      static_configs: [{ targets: [`${api.service}.${api.namespace}.svc:${api.metricsPort}`] }],
    },
  ];
}

/**
 * Alertmanager configuration: the spec's route and `slack` receiver (channel, send_resolved), the
 * webhook read from the mounted Secret. The chart's Watchdog route to `null` stays: Watchdog fires
 * permanently by design and would page every 4h. Helm merges this map over the chart's defaults
 * (inhibit rules and templates are kept); lists given here replace the defaults.
 * Without a webhook (dev without the secret), everything goes to `null`.
 */
export function alertmanagerConfig(channel: string, slack: { readonly secret: string; readonly key: string } | undefined): Record<string, unknown> {
  const receiver = slack ? "slack" : "null";
  return {
    route: {
      receiver,
      group_by: ["namespace", "alertname"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
    },
    receivers: [
      { name: "null" },
      ...(slack ? [{ name: "slack", slack_configs: [{ channel, send_resolved: true, api_url_file: alertmanagerSecretPath(slack.secret, slack.key) }] }] : []),
    ],
  };
}
