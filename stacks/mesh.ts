import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { Collectors } from "../components/collectors/collectors";
import { AMBIENT_LABEL, Mesh } from "../components/mesh/mesh";
import { PlainIngressPolicy } from "../components/mesh/mirror";
import { MeshMonitoring } from "../components/mesh/meshMonitoring";
import { MeshNamespace } from "../components/mesh/meshNamespace";
import { MONITORING_NAMESPACE, Monitoring, RELEASE_NAME } from "../components/observability/monitoring";
import { TradingApi } from "../components/workloads/tradingApi";
import { NODE_AGENTS_NAMESPACE } from "../lib/podSecurity";
import { SubnetPlan } from "../lib/subnetPlan";
import { MeshConfig } from "./schema/mesh";

/** The mesh's control and data plane, and how a namespace enrols. */
export interface MeshTier {
  readonly mesh: Mesh;
  readonly monitoring: MeshMonitoring;
  /** Labels and waits of an enrolled namespace. */
  readonly enrol: { readonly labels: Readonly<Record<string, string>>; readonly after: readonly pulumi.Resource[] };
}

/**
 * The mesh (called from buildPlatform before the workloads, which enrol through `enrol`); undefined
 * when entasis:mesh.enabled is false.
 */
export function buildMesh(m: MeshConfig, env: { readonly cluster: Cluster; readonly monitoring: Monitoring }): MeshTier | undefined {
  if (!m.enabled) return undefined;
  const system = env.cluster.systemPool;
  const prometheus = { namespace: MONITORING_NAMESPACE, podLabels: { "app.kubernetes.io/name": "prometheus" } };
  const nodeAgents = { namespace: NODE_AGENTS_NAMESPACE, namespaceResource: env.monitoring.nodeAgentsNamespace };
  const mesh = new Mesh("mesh", { provider: env.cluster.provider, nodeSelector: system.labels, scheduledAfter: env.cluster.scheduledOn(system.poolName), istiodReplicas: m.istiodReplicas, prometheus, nodeAgents });
  const monitoring = new MeshMonitoring("mesh-monitoring", {
    provider: env.cluster.provider,
    monitoringRelease: env.monitoring.release,
    releaseLabel: RELEASE_NAME,
    namespace: mesh.namespace,
    nodeAgentsNamespace: NODE_AGENTS_NAMESPACE,
    istiodReplicas: m.istiodReplicas,
  });
  return { mesh, monitoring, enrol: { labels: AMBIENT_LABEL, after: mesh.enrolAfter } };
}

/**
 * What is enrolled, and what is not (docs/collectors-and-mesh.md):
 * - trading-api and the collectors: enrolled (STRICT), the platform's own service-to-service callers.
 * - CloudNativePG (timeseries, cnpg-system): not enrolled. PostgreSQL and PgBouncer already require
 *   TLS (hostssl only, TLS 1.2+), the operator reaches instances by pod IP on 8000 with its own
 *   certificates, and replication runs between instances; callers in the mesh reach the pooler as a
 *   destination outside it (ztunnel passes the already-encrypted connection through).
 * - Amazon MQ: outside the cluster (AWS-managed), AMQPS with TLS; nothing to enrol.
 * - KServe Standard (ai-serving), Spark and Flink job pods: not enrolled yet; nothing in the mesh
 *   calls them today, their controllers (webhooks, the operators' REST calls to job managers) are
 *   outside it, and short-lived job pods gain little from identities nobody authorizes on.
 * - Per-node agents (Filebeat, node-exporter, DCGM exporter, device plugin, the CNI agents):
 *   host-network or node-level DaemonSets, which ambient does not capture.
 */
export function buildMeshNamespaces(
  tier: MeshTier | undefined,
  m: MeshConfig,
  env: { readonly cluster: Cluster; readonly subnetPlan: SubnetPlan; readonly tradingApi: TradingApi; readonly tradingApiNamespace: string; readonly collectors?: Collectors; readonly collectorsNamespace: string },
): Readonly<Record<string, MeshNamespace>> {
  if (!tier) return {};
  const enrolled: { key: string; namespace: pulumi.Input<string>; name: string; policies: readonly PlainIngressPolicy[] }[] = [
    { key: "trading-api", namespace: env.tradingApi.namespaceName, name: env.tradingApiNamespace, policies: env.tradingApi.networkPolicies.ingressPolicies },
    ...(env.collectors ? [{ key: "collectors", namespace: env.collectors.namespaceName, name: env.collectorsNamespace, policies: env.collectors.networkPolicies.ingressPolicies }] : []),
  ];
  const meshNamespaces = enrolled.map((e) => e.name);
  return Object.fromEntries(
    enrolled.map((e) => [
      e.key,
      new MeshNamespace(`mesh-${e.key}`, {
        provider: env.cluster.provider,
        namespace: e.namespace,
        namespaceName: e.name,
        mtlsMode: m.mtlsMode,
        ingressPolicies: e.policies,
        meshNamespaces,
        podCidrs: Object.values(env.subnetPlan.private),
        crdRelease: tier.mesh.base,
        webhookRelease: tier.mesh.istiod,
      }),
    ]),
  );
}
