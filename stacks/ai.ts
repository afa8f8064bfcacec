import * as pulumi from "@pulumi/pulumi";
import { AiNetworkPolicies } from "../components/ai/aiNetworkPolicies";
import { GpuMonitoring } from "../components/ai/gpuMonitoring";
import { ModelServing } from "../components/ai/modelServing";
import { ModelStore } from "../components/ai/modelStore";
import { ARGO_SERVER_PORT } from "../components/ai/pipelineObjects";
import { Pipelines } from "../components/ai/pipelines";
import { TRITON_PORTS } from "../components/ai/servingObjects";
import { CertManager } from "../components/certmanager/certManager";
import { Cluster } from "../components/cluster/cluster";
import { MONITORING_NAMESPACE, Monitoring } from "../components/observability/monitoring";
import { Tags } from "../components/tags";
import { AiConfig, DATA_POOL, GPU_POOL } from "./schema/ai";
import { ClusterConfig } from "./schema/cluster";
import { AccountScope } from "../components/storage/encryptedBucket";

/** The AI layer as the rest of the platform (outputs) sees it. */
export interface AiTier {
  readonly store: ModelStore;
  readonly serving: ModelServing;
  readonly gpuMonitoring: GpuMonitoring;
  readonly pipelines: Pipelines;
  readonly networkPolicies: AiNetworkPolicies;
}

export interface AiTierInputs extends AccountScope {
  readonly clusterConfig: ClusterConfig;
  readonly cluster: Cluster;
  readonly certManager: CertManager;
  readonly monitoring: Monitoring;
  readonly protect: boolean;
  readonly tags: Tags;
  /** Private subnets: where the EKS control plane's ENIs (webhook callers) live. */
  readonly webhookSourceCidrs: readonly string[];
}

/** Composition of the AI area (004 "AI Analysis Layer": model serving and a training pipeline). */
export function buildAiTier(ai: AiConfig, env: AiTierInputs): AiTier {
  const { cluster, namePrefix, region, tags } = env;
  const gpuPool = cluster.nodePools[GPU_POOL];
  const dataPool = cluster.nodePools[DATA_POOL];
  if (!gpuPool || !dataPool) throw new pulumi.RunError(`node pools ${GPU_POOL} and ${DATA_POOL} missing after validation passed; this is a bug in stacks/schema/ai.ts`);
  const system = cluster.systemPool;
  const irsa = { oidcProviderArn: cluster.oidcProviderArn, issuerHostPath: cluster.issuerHostPath };

  const store = new ModelStore("ai-store", {
    namePrefix,
    region,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    modelVersionRetentionDays: ai.modelVersionRetentionDays,
    artifactRetentionDays: ai.pipelines.artifactRetentionDays,
    protect: env.protect,
    tags,
  });

  const serving = new ModelServing("ai-serving", {
    namePrefix,
    region,
    provider: cluster.provider,
    ...irsa,
    systemPool: system.description,
    systemScheduledAfter: cluster.scheduledOn(system.poolName),
    gpuPool: gpuPool.description,
    gpuScheduledAfter: cluster.scheduledOn(GPU_POOL),
    certManagerRelease: env.certManager.release,
    namespace: ai.serving.namespace,
    modelBucketName: store.modelBucketName,
    modelBucketArn: store.models.arn,
    modelKeyArn: store.key.arn,
    minReplicas: ai.serving.minReplicas,
    maxReplicas: ai.serving.maxReplicas,
    gpusPerReplica: ai.serving.gpusPerReplica,
    resources: ai.serving.resources,
    example: ai.examples.inferenceService,
    tags,
    webhookSourceCidrs: env.webhookSourceCidrs,
  });

  const gpuMonitoring = new GpuMonitoring("ai-gpu-monitoring", {
    provider: cluster.provider,
    gpuPool: gpuPool.description,
    gpuPoolMinSize: env.clusterConfig.nodePools[GPU_POOL].minSize,
    // A per-node agent (lib/helmCharts.ts perNodeAgent): its DaemonSet installs with no GPU node, so
    // like the NVIDIA device plugin it waits for the system pool, never for a quota-blocked GPU pool.
    scheduledAfter: cluster.scheduledOn(cluster.systemPool.poolName),
    monitoringRelease: env.monitoring.release,
    alerts: ai.gpuAlerts,
  });

  const pipelines = new Pipelines("ai-pipelines", {
    namePrefix,
    region,
    provider: cluster.provider,
    ...irsa,
    namespace: ai.pipelines.namespace,
    systemPool: system.description,
    systemScheduledAfter: cluster.scheduledOn(system.poolName),
    gpuPool: gpuPool.description,
    dataPool: dataPool.description,
    artifactBucketName: store.artifactBucketName,
    artifactBucketArn: store.artifacts.arn,
    modelBucketName: store.modelBucketName,
    modelBucketArn: store.models.arn,
    keyArn: store.key.arn,
    workflowTtlHours: ai.pipelines.workflowTtlHours,
    replicas: ai.pipelines.replicas,
    trainingGpus: ai.pipelines.trainingGpus,
    example: ai.examples.workflowTemplate,
    tags,
  });

  const networkPolicies = new AiNetworkPolicies("ai-network-policies", {
    provider: cluster.provider,
    servingNamespace: ai.serving.namespace,
    pipelinesNamespace: ai.pipelines.namespace,
    inferencePorts: TRITON_PORTS,
    argoServerPort: ARGO_SERVER_PORT,
    prometheus: { namespace: MONITORING_NAMESPACE, podLabels: { "app.kubernetes.io/name": "prometheus" } },
    dependsOn: [serving.namespace, pipelines.namespace],
  });

  return { store, serving, gpuMonitoring, pipelines, networkPolicies };
}
