import { TRADING_API, TradingApiLocation } from "../workloads/names";
import { TRADING_JOB } from "./monitoringRules";

/**
 * Grafana dashboards provisioned as ConfigMaps for the chart's dashboard sidecar. The sidecar
 * writes every ConfigMap labelled `grafana_dashboard: "1"` into Grafana (chart values
 * `grafana.sidecar.dashboards.label/labelValue`, default on). Datasource uid `prometheus` is the
 * one the chart provisions (`grafana.sidecar.datasources.uid`).
 */
export const DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

/** The common panel: one query, one legend. */
export function panel(title: string, unit: string, expr: string, legendFormat: string): Panel {
  return { title, unit, targets: [{ expr, legendFormat }] };
}

/** A panel of several series that share a legend prefix: `[expr, suffix]` pairs (e.g. current vs max). */
export function comparePanel(title: string, unit: string, legendPrefix: string, series: readonly (readonly [string, string])[]): Panel {
  return { title, unit, targets: series.map(([expr, suffix]) => ({ expr, legendFormat: `${legendPrefix} ${suffix}` })) };
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly panels: readonly Panel[];
}

/** Grafana dashboard JSON (schemaVersion 39): time-series panels two per row. */
export function dashboardJson(d: Dashboard): string {
  return JSON.stringify(
    {
      uid: d.uid,
      title: d.title,
      tags: d.tags,
      timezone: "utc",
      schemaVersion: 39,
      editable: false,
      refresh: "30s",
      time: { from: "now-6h", to: "now" },
      panels: d.panels.map((p, i) => ({
        id: i + 1,
        type: "timeseries",
        title: p.title,
        datasource: DATASOURCE,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legendFormat })),
      })),
    },
    null,
    2,
  );
}

export const CLUSTER_DASHBOARD: Dashboard = {
  uid: "entasis-cluster",
  title: "Entasis / Cluster",
  tags: ["entasis", "cluster"],
  panels: [
    panel("Nodes per pool", "short", "count by (label_role) (kube_node_labels)", "{{label_role}}"),
    panel("Node CPU utilisation", "percentunit", '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', "{{instance}}"),
    panel("Node memory utilisation", "percentunit", "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "{{instance}}"),
    panel("Pods by phase", "short", "sum by (phase) (kube_pod_status_phase)", "{{phase}}"),
    panel("Container restarts (1h)", "short", "sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))", "{{namespace}}"),
    comparePanel("HPA replicas vs max", "short", "{{namespace}}/{{horizontalpodautoscaler}}", [
      ["kube_horizontalpodautoscaler_status_current_replicas", "current"],
      ["kube_horizontalpodautoscaler_spec_max_replicas", "max"],
    ]),
  ],
};

const sel = `job="${TRADING_JOB}"`;
export const tradingApiDashboard = (api: TradingApiLocation): Dashboard => ({
  uid: "entasis-trading-api",
  title: "Entasis / trading-api",
  tags: ["entasis", TRADING_API],
  panels: [
    panel("Requests per second", "reqps", `sum by (code) (rate(http_requests_total{${sel}}[5m]))`, "{{code}}"),
    panel("5xx error ratio", "percentunit", `sum(rate(http_requests_total{${sel},code=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m]))`, "5xx"),
    {
      title: "Latency p50 / p99",
      unit: "s",
      targets: [
        { expr: `histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`, legendFormat: "p50" },
        { expr: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`, legendFormat: "p99" },
      ],
    },
    panel("Replicas", "short", `kube_deployment_status_replicas_available{namespace="${api.namespace}",deployment="${TRADING_API}"}`, "available"),
  ],
});
