import { TRADING_API, TradingApiLocation } from "../workloads/names";
import { TRADING_JOB } from "./monitoringRules";

/** Where the chart mounts `alertmanagerSpec.secrets` entries: /etc/alertmanager/secrets/<secret>/<key>. */
export function alertmanagerSecretPath(secret: string, key: string): string {
  return `/etc/alertmanager/secrets/${secret}/${key}`;
}

/** Labels every pod target gets: where it runs, so a series belongs to one pod. */
const POD_TARGET_LABELS = [
  { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
  { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
];

/**
 * The spec's scrape jobs, written into `prometheus.prometheusSpec.additionalScrapeConfigs`, both
 * with the job names the spec gives them (rules and dashboards select `job="trading-metrics"`).
 *
 * `kubernetes-pods`: the spec keeps pods annotated `prometheus.io/scrape: "true"`; pod discovery
 * yields one target per declared container port, so without the usual relabelling it would also
 * scrape 8080 (closed to Prometheus by the network policies: down targets, TargetDown pages). The
 * standard relabelling from Prometheus's own Kubernetes example takes the port from
 * `prometheus.io/port` and the path from `prometheus.io/path`; the per-port targets that end up
 * identical (same address and labels) are deduplicated by Prometheus.
 * https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml
 * https://github.com/prometheus/prometheus/issues/3756
 *
 * `trading-metrics`: the spec's static `trading-api:9090` is the Service's virtual IP, so each
 * scrape would land on a random pod and counters from different pods would interleave in one
 * series. Pod discovery in trading-api's namespace scrapes every pod on its metrics port instead.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
 */
export function scrapeConfigs(api: TradingApiLocation): Record<string, unknown>[] {
  return [
    {
      job_name: "kubernetes-pods",
      kubernetes_sd_configs: [{ role: "pod" }],
      relabel_configs: [
        // A string: Prometheus relabel regexes are strings, and YAML `true` is a boolean.
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", regex: "(.+)", target_label: "__metrics_path__" },
        {
          source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
          action: "replace",
          regex: "([^:]+)(?::\\d+)?;(\\d+)",
          replacement: "$1:$2",
          target_label: "__address__",
        },
        ...POD_TARGET_LABELS,
      ],
    },
    {
      job_name: TRADING_JOB,
      kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [api.namespace] } }],
      relabel_configs: [
        // The Service's selector (`app: trading-api`, the spec's label) and its metrics port: one target per pod.
        { source_labels: ["__meta_kubernetes_pod_label_app"], action: "keep", regex: TRADING_API },
        { source_labels: ["__meta_kubernetes_pod_container_port_number"], action: "keep", regex: String(api.metricsPort) },
        { source_labels: ["__meta_kubernetes_pod_phase"], action: "keep", regex: "Running" },
        ...POD_TARGET_LABELS,
      ],
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
