import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ISTIOD_POD_LABELS, ISTIO_NAMESPACE, ZTUNNEL_METRICS_PORT, ZTUNNEL_POD_LABELS } from "./mesh";
import { meshAlerts } from "./meshRules";

export interface MeshMonitoringArgs {
  readonly provider: k8s.Provider;
  /** The kube-prometheus-stack release: it owns the monitor and rule CRDs. */
  readonly monitoringRelease: pulumi.Resource;
  /** `release` label kube-prometheus-stack selects monitors and rules by. */
  readonly releaseLabel: string;
  /** The istio-system namespace (monitors live there). */
  readonly namespace: pulumi.Resource;
  /** The node agents' namespace, where ztunnel and the CNI agent run. No default. */
  readonly nodeAgentsNamespace: string;
  readonly istiodReplicas: number;
}

/**
 * The mesh's metrics and alerts: a ServiceMonitor for istiod (`http-monitoring`, 15014), a PodMonitor
 * for ztunnel (15020, `/stats/prometheus`), and the rules, which kube-prometheus-stack's Prometheus
 * loads and sends to its Alertmanager.
 * https://istio.io/latest/docs/ops/integrations/prometheus/
 */
export class MeshMonitoring extends pulumi.ComponentResource {
  public readonly istiod: k8s.apiextensions.CustomResource;
  public readonly ztunnel: k8s.apiextensions.CustomResource;
  public readonly rules: k8s.apiextensions.CustomResource;

  constructor(name: string, args: MeshMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:mesh:MeshMonitoring", name, {}, opts);
    const after = { parent: this, provider: args.provider, dependsOn: [args.monitoringRelease, args.namespace] };
    const labels = { release: args.releaseLabel };
    this.istiod = new k8s.apiextensions.CustomResource(
      `${name}-istiod`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "istiod", namespace: ISTIO_NAMESPACE, labels },
        spec: { selector: { matchLabels: { ...ISTIOD_POD_LABELS } }, endpoints: [{ port: "http-monitoring", interval: "30s" }] },
      },
      after,
    );
    this.ztunnel = new k8s.apiextensions.CustomResource(
      `${name}-ztunnel`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: "ztunnel", namespace: ISTIO_NAMESPACE, labels },
        // ztunnel runs in the node agents' namespace; the monitor stays with the mesh's others.
        spec: { namespaceSelector: { matchNames: [args.nodeAgentsNamespace] }, selector: { matchLabels: { ...ZTUNNEL_POD_LABELS } }, podMetricsEndpoints: [{ portNumber: ZTUNNEL_METRICS_PORT, path: "/stats/prometheus", interval: "30s" }] },
      },
      after,
    );
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "mesh-alerts", namespace: ISTIO_NAMESPACE, labels },
        spec: { groups: [{ name: "mesh", rules: meshAlerts({ controlPlane: ISTIO_NAMESPACE, nodeAgents: args.nodeAgentsNamespace }, args.istiodReplicas) }] },
      },
      after,
    );
    this.registerOutputs({});
  }
}
