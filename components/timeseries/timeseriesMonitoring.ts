import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TimeseriesAlertInput, timeseriesAlerts } from "./timeseriesRules";

export interface TimeseriesMonitoringArgs {
  readonly provider: k8s.Provider;
  /** Namespace of the database (an Output of the Namespace, so the monitors wait for it). */
  readonly namespace: pulumi.Input<string>;
  readonly clusterName: string;
  readonly poolerName: string;
  /** The kube-prometheus-stack release: it owns the PodMonitor and PrometheusRule CRDs. */
  readonly monitoringRelease: pulumi.Resource;
  /** `release` label kube-prometheus-stack selects monitors and rules by. */
  readonly releaseLabel: string;
  readonly alerts: TimeseriesAlertInput;
}

/**
 * Prometheus scraping and alerts of the time-series database. CNPG 1.30 deprecates the Cluster's
 * `.spec.monitoring.enablePodMonitor` ("create a PodMonitor manually", its CRD description), so
 * the PodMonitors are ours: instances' exporter on port `metrics` (9187), PgBouncer's on `metrics` (9127).
 * https://cloudnative-pg.io/documentation/current/monitoring/
 */
export class TimeseriesMonitoring extends pulumi.ComponentResource {
  public readonly podMonitors: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  public readonly rules: k8s.apiextensions.CustomResource;

  constructor(name: string, args: TimeseriesMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:TimeseriesMonitoring", name, {}, opts);
    const after = { parent: this, provider: args.provider, dependsOn: [args.monitoringRelease] };
    const labels = { release: args.releaseLabel };
    const monitor = (key: string, monitorName: string, matchLabels: Record<string, string>): k8s.apiextensions.CustomResource =>
      new k8s.apiextensions.CustomResource(
        `${name}-${key}`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: monitorName, namespace: args.namespace, labels },
          spec: { selector: { matchLabels }, podMetricsEndpoints: [{ port: "metrics", interval: "30s" }] },
        },
        after,
      );
    this.podMonitors = {
      instances: monitor("instances", args.clusterName, { "cnpg.io/cluster": args.clusterName, "cnpg.io/podRole": "instance" }),
      pooler: monitor("pooler", args.poolerName, { "cnpg.io/poolerName": args.poolerName }),
    };
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: `${args.clusterName}-alerts`, namespace: args.namespace, labels },
        spec: { groups: [{ name: "timeseries", rules: timeseriesAlerts(args.alerts) }] },
      },
      after,
    );
    this.registerOutputs({});
  }
}
