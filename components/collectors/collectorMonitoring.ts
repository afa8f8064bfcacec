import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MONITORING_NAMESPACE } from "../observability/monitoring";
import { dashboardJson } from "../observability/monitoringDashboards";
import { CollectorAlertInput, collectorAlerts, collectorDashboard } from "./collectorRules";
import { COLLECTOR_COMPONENT_LABEL, FEED_LABEL } from "./names";

export interface CollectorMonitoringArgs {
  readonly provider: k8s.Provider;
  /** Namespace of the collectors (an Output of the Namespace). */
  readonly namespace: pulumi.Input<string>;
  /** The kube-prometheus-stack release: it owns the PodMonitor and PrometheusRule CRDs. */
  readonly monitoringRelease: pulumi.Resource;
  /** `release` label kube-prometheus-stack selects monitors and rules by. */
  readonly releaseLabel: string;
  readonly alerts: CollectorAlertInput;
  /** Feeds by key, for the dashboard's panels. */
  readonly feeds: Readonly<Record<string, { readonly description: string }>>;
}

/**
 * Scraping, alerts and the dashboard of the collectors: one PodMonitor for every collector pod
 * (port `metrics`, the pod's feed label copied into `feed`), the stale-feed and reconnect-storm
 * rules, and a Grafana dashboard with a panel per feed.
 */
export class CollectorMonitoring extends pulumi.ComponentResource {
  public readonly podMonitor: k8s.apiextensions.CustomResource;
  public readonly rules: k8s.apiextensions.CustomResource;
  public readonly dashboard: k8s.core.v1.ConfigMap;

  constructor(name: string, args: CollectorMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:collectors:CollectorMonitoring", name, {}, opts);
    const after = { parent: this, provider: args.provider, dependsOn: [args.monitoringRelease] };
    const labels = { release: args.releaseLabel };
    this.podMonitor = new k8s.apiextensions.CustomResource(
      `${name}-pods`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: "collectors", namespace: args.namespace, labels },
        spec: {
          selector: { matchLabels: { ...COLLECTOR_COMPONENT_LABEL } },
          podMetricsEndpoints: [
            {
              port: "metrics",
              interval: "15s",
              relabelings: [{ action: "replace", sourceLabels: [`__meta_kubernetes_pod_label_${FEED_LABEL.replace(/[./-]/g, "_")}`], targetLabel: "feed" }],
            },
          ],
        },
      },
      after,
    );
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "collectors-alerts", namespace: args.namespace, labels },
        spec: { groups: [{ name: "collectors", rules: collectorAlerts(args.alerts) }] },
      },
      after,
    );
    // Grafana's sidecar loads every ConfigMap labelled grafana_dashboard=1 (see monitoringDashboards.ts).
    const dashboard = collectorDashboard(args.alerts.namespace, args.feeds);
    this.dashboard = new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      { metadata: { name: "grafana-dashboard-collectors", namespace: MONITORING_NAMESPACE, labels: { grafana_dashboard: "1" } }, data: { [`${dashboard.uid}.json`]: dashboardJson(dashboard) } },
      after,
    );
    this.registerOutputs({});
  }
}
