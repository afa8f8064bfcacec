import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, chartSource, helmWaitOptions } from "../../lib/helmCharts";
import { PoolDescription } from "../cluster/nodePool";
import { dashboardJson } from "../observability/monitoringDashboards";
import { NODE_AGENTS_NAMESPACE } from "../../lib/podSecurity";
import { MONITORING_NAMESPACE, RELEASE_NAME } from "../observability/monitoring";
import { GPU_DASHBOARD, gpuRuleGroups } from "./gpuRules";
import { placementOn } from "./placement";

export interface GpuMonitoringArgs {
  /** The cluster's Kubernetes provider. */
  readonly provider: k8s.Provider;
  /** The GPU pool: the exporter runs on its nodes only. */
  readonly gpuPool: PoolDescription;
  /** The GPU pool's minSize, quoted by the idle-pool alert. */
  readonly gpuPoolMinSize: number;
  /** What the exporter's pods wait for (`cluster.scheduledOn(gpu pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** kube-prometheus-stack: owns the ServiceMonitor and PrometheusRule CRDs and selects `release: <name>`. */
  readonly monitoringRelease: pulumi.Resource;
  /** Thresholds (`entasis:ai.gpuAlerts`). */
  readonly alerts: { readonly idleUtilPercent: number; readonly idleFor: string; readonly memoryUsedPercent: number };
}

/**
 * NVIDIA DCGM exporter as a DaemonSet on GPU nodes only (the pool's role label and its taint), its
 * ServiceMonitor labelled for the platform's Prometheus, GPU alerts and a Grafana dashboard.
 */
export class GpuMonitoring extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly rules: k8s.apiextensions.CustomResource;
  public readonly dashboard: k8s.core.v1.ConfigMap;

  constructor(name: string, args: GpuMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:ai:GpuMonitoring", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const placement = placementOn(args.gpuPool);

    this.release = new k8s.helm.v3.Release(
      `${name}-dcgm-exporter`,
      {
        ...chartSource(CHARTS.dcgmExporter),
        name: "dcgm-exporter",
        // Root with SYS_ADMIN and the kubelet's pod-resources socket: the node agents' privileged
        // namespace (created with the monitoring release this one waits for).
        namespace: NODE_AGENTS_NAMESPACE,
        cleanupOnFail: true,
        // A DaemonSet: Helm waits for its pods on the GPU nodes that exist (none in dev at minSize 0).
        ...helmWaitOptions(CHARTS.dcgmExporter),
        values: {
          nodeSelector: placement.nodeSelector,
          tolerations: placement.tolerations,
          // The Prometheus of kube-prometheus-stack selects ServiceMonitors labelled with its release.
          serviceMonitor: { enabled: true, interval: "30s", additionalLabels: { release: RELEASE_NAME } },
        },
      },
      { ...k8sOpts, dependsOn: [args.monitoringRelease, ...args.scheduledAfter] },
    );

    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "entasis-gpu", namespace: MONITORING_NAMESPACE, labels: { release: RELEASE_NAME } },
        spec: { groups: gpuRuleGroups({ poolRole: placement.nodeSelector.role, poolMinSize: args.gpuPoolMinSize, ...args.alerts }) },
      },
      { ...k8sOpts, dependsOn: [args.monitoringRelease] },
    );

    // Grafana's sidecar loads every ConfigMap labelled grafana_dashboard=1 (see monitoringDashboards.ts).
    this.dashboard = new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: { name: "grafana-dashboard-gpu", namespace: MONITORING_NAMESPACE, labels: { grafana_dashboard: "1" } },
        data: { [`${GPU_DASHBOARD.uid}.json`]: dashboardJson(GPU_DASHBOARD) },
      },
      { ...k8sOpts, dependsOn: [args.monitoringRelease] },
    );
    this.registerOutputs({});
  }
}
