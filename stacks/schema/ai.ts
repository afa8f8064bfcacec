import { z } from "zod";
import { gpusPerNode, poolMaxGpus } from "../../lib/gpuInstances";
import { ClusterConfig } from "./cluster";
import { ConfigProblem, issue } from "./problems";

/** The node pool every GPU workload of this area runs on (its `role` label and taint owner). */
export const GPU_POOL = "ai-inference";
/** The pool CPU-heavy pipeline steps may target instead. */
export const DATA_POOL = "data-processing";

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const namespace = z.string().regex(DNS_LABEL_RE, { message: issue("is not a Kubernetes namespace name", "use lowercase letters, digits and '-', e.g. ai-serving") });
/** Namespaces other areas or charts own; a second owner would fight over them. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "kserve", "monitoring", "logging", "cert-manager", "elastic-system", "velero", "trading-api"];
const FOR_RE = /^[1-9][0-9]*[mh]$/;

export const aiSchema = z.strictObject({
  /** Build the AI layer (needs the ai-inference and data-processing pools). Default true. */
  enabled: z.boolean(),
  serving: z.strictObject({
    /** Namespace of InferenceServices, their service account and network policies. Default ai-serving. */
    namespace,
    /** Replicas every InferenceService keeps; prod at least 2, spread across zones. Dev 1, prod 2. */
    minReplicas: z.number().int().min(1).max(100),
    /** Autoscaling ceiling of an InferenceService. Dev 2, prod 4. */
    maxReplicas: z.number().int().min(1).max(100),
    /** nvidia.com/gpu limit of every inference pod. Default 1. */
    gpusPerReplica: z.number().int().min(1).max(8),
    /** Triton container requests (limits: memory = request). Default 1000 m / 4096 MiB. */
    resources: z.strictObject({ cpuMillis: z.number().int().min(100).max(96000), memoryMiB: z.number().int().min(256).max(786432) }),
  }),
  /** Model bucket (KMS): days a replaced model version is kept. Dev 7, prod 90. */
  modelVersionRetentionDays: z.number().int().min(1).max(3650),
  pipelines: z.strictObject({
    /** Namespace of Argo Workflows (controller, server and the workflows it runs). Default argo. */
    namespace,
    /** Hours a finished workflow stays in the cluster (ttlStrategy). Dev 24, prod 168. */
    workflowTtlHours: z.number().int().min(1).max(8760),
    /** Days artifacts and archived logs stay in the artifact bucket. Dev 30, prod 180. */
    artifactRetentionDays: z.number().int().min(1).max(3650),
    /** nvidia.com/gpu of the example's training step. Default 1. */
    trainingGpus: z.number().int().min(1).max(8),
    /** Workflow controller and server replicas; 2+ adds PodDisruptionBudgets. Dev 1, prod 2. */
    replicas: z.number().int().min(1).max(5),
  }),
  /** Thresholds of the GPU alerts. */
  gpuAlerts: z.strictObject({
    /** Average GPU utilisation below which a running pool counts as idle, percent. Default 5. */
    idleUtilPercent: z.number().gt(0).max(100),
    /** How long the pool must idle before the cost alert fires. Default 6h. */
    idleFor: z.string().regex(FOR_RE, { message: issue("is not an alert duration", 'use e.g. "6h"') }),
    /** Framebuffer memory used, percent, that counts as memory pressure. Default 90. */
    memoryUsedPercent: z.number().int().min(1).max(100),
  }),
  /** Examples app teams copy; registered only when turned on. Default both false. */
  examples: z.strictObject({ inferenceService: z.boolean(), workflowTemplate: z.boolean() }),
});
export type AiConfig = z.infer<typeof aiSchema>;

/** Checks within `entasis:ai`. */
export function validateAi(ai: AiConfig, environment: string, areaKey = "entasis:ai"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const s = ai.serving;
  if (s.minReplicas > s.maxReplicas) {
    problems.push({ key: `${areaKey}.serving.minReplicas`, value: s.minReplicas, problem: `is above serving.maxReplicas ${s.maxReplicas}`, fix: "make minReplicas <= maxReplicas" });
  }
  if (environment === "prod" && s.minReplicas < 2) {
    problems.push({ key: `${areaKey}.serving.minReplicas`, value: s.minReplicas, problem: "is below 2 in prod, so one node or zone loss stops inference", fix: "use 2 or more (pods spread across zones)" });
  }
  for (const [key, ns] of [["serving.namespace", s.namespace], ["pipelines.namespace", ai.pipelines.namespace]] as const) {
    if (RESERVED_NAMESPACES.includes(ns)) {
      problems.push({ key: `${areaKey}.${key}`, value: ns, problem: "is a namespace another area or chart owns", fix: `pick another name (reserved: ${RESERVED_NAMESPACES.join(", ")})` });
    }
  }
  if (s.namespace === ai.pipelines.namespace) {
    problems.push({ key: `${areaKey}.pipelines.namespace`, value: ai.pipelines.namespace, problem: "equals serving.namespace; their network policies and service accounts would mix", fix: "use two namespaces, e.g. ai-serving and argo" });
  }
  return problems;
}

/**
 * GPU demand against the GPU pool's capacity (needs `entasis:cluster`): a pod cannot span nodes,
 * and the autoscaling ceiling cannot exceed what the pool holds at maxSize.
 */
export function validateAiCapacity(ai: AiConfig, cluster: ClusterConfig, areaKey = "entasis:ai", clusterKey = "entasis:cluster"): ConfigProblem[] {
  if (!ai.enabled) return [];
  const pool = cluster.nodePools[GPU_POOL];
  if (!pool) {
    return [{ key: `${clusterKey}.nodePools`, value: Object.keys(cluster.nodePools), problem: `has no ${GPU_POOL} pool, which model serving and GPU pipeline steps need`, fix: `define nodePools.${GPU_POOL} (a GPU instance type, NVIDIA amiType, nvidia.com/gpu taint), or set ${areaKey}.enabled: false` }];
  }
  if (!cluster.nodePools[DATA_POOL]) {
    return [{ key: `${clusterKey}.nodePools`, value: Object.keys(cluster.nodePools), problem: `has no ${DATA_POOL} pool, which CPU-heavy pipeline steps target`, fix: `define nodePools.${DATA_POOL}, or set ${areaKey}.enabled: false` }];
  }
  const perNode = gpusPerNode(pool.instanceTypes);
  const maxGpus = poolMaxGpus(pool);
  if (perNode === undefined || maxGpus === undefined) {
    return [{ key: `${clusterKey}.nodePools.${GPU_POOL}.instanceTypes`, value: pool.instanceTypes, problem: "has a type whose GPU count is unknown", fix: "use a type listed in lib/gpuInstances.ts, or add it there with its source" }];
  }
  const problems: ConfigProblem[] = [];
  const s = ai.serving;
  const poolText = `the ${GPU_POOL} pool (${pool.maxSize} x ${pool.instanceTypes.join("/")}, ${perNode} GPU per node, ${maxGpus} at maxSize)`;
  if (s.gpusPerReplica > perNode) {
    problems.push({ key: `${areaKey}.serving.gpusPerReplica`, value: s.gpusPerReplica, problem: `exceeds the ${perNode} GPU(s) of one node of ${poolText}`, fix: `use at most ${perNode}, or a larger instance type` });
  }
  if (s.maxReplicas * s.gpusPerReplica > maxGpus) {
    problems.push({
      key: `${areaKey}.serving.maxReplicas`,
      value: s.maxReplicas,
      problem: `needs ${s.maxReplicas * s.gpusPerReplica} GPUs (x ${s.gpusPerReplica} per replica), more than ${poolText}`,
      fix: `use at most ${Math.floor(maxGpus / s.gpusPerReplica)}, or raise nodePools.${GPU_POOL}.maxSize`,
    });
  }
  if (ai.pipelines.trainingGpus > perNode) {
    problems.push({ key: `${areaKey}.pipelines.trainingGpus`, value: ai.pipelines.trainingGpus, problem: `exceeds the ${perNode} GPU(s) of one node of ${poolText}`, fix: `use at most ${perNode}` });
  }
  return problems;
}
