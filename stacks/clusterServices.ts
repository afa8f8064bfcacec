import * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_NAMESPACE, CertManager, SELF_SIGNED_ISSUER } from "../components/certmanager/certManager";
import { Cluster } from "../components/cluster/cluster";
import { Logging } from "../components/observability/logging";
import { Monitoring } from "../components/observability/monitoring";
import { Tags } from "../components/tags";
import { TRADING_API } from "../components/workloads/names";
import { NODE_AGENTS_NAMESPACE } from "../lib/podSecurity";
import { SubnetPlan } from "../lib/subnetPlan";
import { StackConfig } from "./config";
import { MeshTier, buildMesh } from "./mesh";
import { SecretRotationPlan } from "./schema/secretRotation";

/** The cluster-wide services every area builds on. */
export interface ClusterServices {
  /** cert-manager: webhook certificates for the operators that need them, and the logging CA. */
  readonly certManager: CertManager;
  readonly monitoring: Monitoring;
  readonly logging: Logging;
  /** Istio ambient; absent when entasis:mesh.enabled is false. */
  readonly mesh?: MeshTier;
}

export interface ClusterServicesInputs {
  readonly cluster: Cluster;
  readonly subnetPlan: SubnetPlan;
  /** The platform's EBS volume key: the gp3 StorageClasses encrypt with it. */
  readonly volumeKeyArn: pulumi.Input<string>;
  readonly rotation: SecretRotationPlan;
  readonly tags: Tags;
}

/**
 * Composition of the cluster-wide services (called from buildPlatform): cert-manager, monitoring,
 * logging and the mesh. They all go to one pool, the untainted pool that never scales to zero
 * (validation guarantees one; `general` in both stacks), and wait for its nodes and CoreDNS, never
 * for the other pools. The node agents of every area share monitoring's `node-agents` namespace.
 */
export function buildClusterServices(config: StackConfig, env: ClusterServicesInputs): ClusterServices {
  const { cluster, rotation, tags } = env;
  const systemPool = cluster.systemPool;
  const onSystemPool = cluster.scheduledOn(systemPool.poolName);
  // The control plane's ENIs live in the private subnets: webhooks admit those only.
  const webhookSourceCidrs = Object.values(env.subnetPlan.private);

  const certManager = new CertManager("cert-manager", {
    provider: cluster.provider,
    nodeSelector: systemPool.labels,
    scheduledAfter: onSystemPool,
    replicas: config.cluster.certManagerReplicas,
    webhookSourceCidrs,
  });

  // In-cluster Prometheus runs on the system pool (application SG), so it reaches pods directly;
  // the spec's monitoring SG (9000 into the application tier) is for collectors outside the cluster.
  const monitoring = new Monitoring("monitoring", {
    provider: cluster.provider,
    config: config.monitoring,
    generalPool: systemPool.description,
    watchedPools: Object.entries(config.cluster.nodePools).map(([pool, p]) => ({ role: p.labels.role ?? pool, maxSize: p.maxSize })),
    slackWebhookUrl: config.secrets.slackWebhookUrl,
    tradingApi: { namespace: config.workloads.namespace, service: TRADING_API, metricsPort: config.workloads.ports.metrics },
    volumeDriver: [cluster.ebsCsi],
    volumeKeyArn: env.volumeKeyArn,
    deleteClaimsWithStatefulSets: !config.data.protect,
    scheduledAfter: onSystemPool,
    webhookSourceCidrs,
    grafanaAdminGeneration: rotation.generations.grafanaAdmin,
  });

  const logging = new Logging("logging", {
    config: config.logging,
    provider: cluster.provider,
    systemPoolLabels: systemPool.labels,
    scheduledAfter: onSystemPool,
    volumeDriver: [cluster.ebsCsi],
    volumeKeyArn: env.volumeKeyArn,
    tags,
    webhookSourceCidrs,
    // Filebeat runs with the other node agents (created with monitoring).
    nodeAgents: { namespace: NODE_AGENTS_NAMESPACE, namespaceResource: monitoring.nodeAgentsNamespace },
    certManager: {
      release: certManager.release,
      namespace: CERT_MANAGER_NAMESPACE,
      selfSignedIssuer: { resource: certManager.selfSignedIssuer, name: SELF_SIGNED_ISSUER },
    },
    filebeatPasswordGeneration: rotation.generations.filebeat,
  });

  // Istio ambient on the system pool; the namespaces it enrols wait for its node agents.
  const mesh = buildMesh(config.mesh, { cluster, monitoring });
  return { certManager, monitoring, logging, mesh };
}
