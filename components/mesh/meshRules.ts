/** Alerts of the mesh (kube-state-metrics for the node agents, istiod's own metrics). */
export interface MeshAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "critical" | "warning" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Metrics the rules name, by exporter. */
export const MESH_RULE_METRICS: Readonly<Record<string, readonly string[]>> = {
  "kube-state-metrics": ["kube_daemonset_status_number_ready", "kube_daemonset_status_desired_number_scheduled", "kube_deployment_status_replicas_available"],
  istiod: ["pilot_total_xds_rejects", "pilot_xds_push_context_errors"],
};

/** Where the mesh runs: istiod's namespace and the node agents' (istio-cni, ztunnel). */
export interface MeshNamespaces {
  readonly controlPlane: string;
  readonly nodeAgents: string;
}

export function meshAlerts(namespaces: MeshNamespaces, istiodReplicas: number): MeshAlert[] {
  const namespace = namespaces.controlPlane;
  const agents = namespaces.nodeAgents;
  const ds = (name: string): string => `kube_daemonset_status_number_ready{namespace="${agents}",daemonset="${name}"} < kube_daemonset_status_desired_number_scheduled{namespace="${agents}",daemonset="${name}"}`;
  return [
    {
      alert: "ZtunnelNotOnEveryNode",
      expr: ds("ztunnel"),
      for: "10m",
      labels: { severity: "critical" },
      annotations: { summary: "A node has no ready ztunnel", description: "Enrolled pods on that node cannot send or receive mesh traffic (STRICT rejects them)." },
    },
    {
      alert: "IstioCniNotOnEveryNode",
      expr: ds("istio-cni-node"),
      for: "10m",
      labels: { severity: "critical" },
      annotations: { summary: "A node has no ready Istio CNI agent", description: "New pods of enrolled namespaces on that node are not captured by ztunnel." },
    },
    {
      alert: "IstiodUnavailable",
      expr: `kube_deployment_status_replicas_available{namespace="${namespace}",deployment="istiod"} < ${Math.max(1, istiodReplicas)}`,
      for: "5m",
      labels: { severity: istiodReplicas > 1 ? "warning" : "critical" },
      annotations: { summary: "istiod has fewer ready replicas than configured", description: "With none, ztunnel cannot renew workload certificates (they expire after 24h) or learn of new pods." },
    },
    {
      alert: "IstiodConfigRejected",
      expr: `sum(increase(pilot_total_xds_rejects{namespace="${namespace}"}[10m])) > 0 or sum(increase(pilot_xds_push_context_errors{namespace="${namespace}"}[10m])) > 0`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: { summary: "Proxies reject istiod's configuration", description: "A policy or resource istiod pushed was rejected; the last good configuration stays in force." },
    },
  ];
}
