import { z } from "zod";
import type { FlinkSettings, SparkSettings } from "../../components/processing/settings";
import { INSTANCE_SIZES, podRoomOnSmallest } from "../../lib/instanceTypes";
import type { ClusterConfig } from "./cluster";
import { ConfigProblem, issue } from "./problems";

/** Namespaces the platform or Kubernetes already own: a processing namespace must be none of them. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "monitoring", "logging", "elastic-system", "cert-manager", "velero", "trading-api"];

const namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: issue("is not a Kubernetes namespace name", "use lowercase letters, digits and '-', e.g. spark-jobs") });

/** A namespace's ResourceQuota: the most its pods may request together. */
const quotaSchema = z.strictObject({
  /** Sum of CPU requests (and limits), in cores. */
  cpu: z.number().int().min(1).max(4096),
  /** Sum of memory requests (and limits), in GiB. */
  memoryGiB: z.number().int().min(1).max(65536),
  /** Pods at once. */
  pods: z.number().int().min(1).max(5000),
});

/** LimitRange defaults: what a container that states no resources gets. */
const containerDefaultSchema = z.strictObject({
  cpuMillis: z.number().int().min(10).max(64000),
  memoryMiB: z.number().int().min(64).max(524288),
});

/** A Spark driver or executor: `cores` and JVM heap `memoryMiB` (the pod adds Spark's overhead). */
const sparkPodSchema = z.strictObject({
  cores: z.number().int().min(1).max(64),
  memoryMiB: z.number().int().min(512).max(524288),
});

/** A Flink JobManager or TaskManager: CPU in cores (fractions allowed) and the process size in MiB. */
const flinkPodSchema = z.strictObject({
  cpu: z.number().min(0.25).max(64),
  memoryMiB: z.number().int().min(1024).max(524288),
});

export const processingSchema = z.strictObject({
  /** Node pool every job pod runs on (its role label, toleration of its taints). Default data-processing. */
  pool: z.string().min(1),
  spark: z.strictObject({
    /** Namespace of the operator and the history server. Default spark-operator. */
    operatorNamespace: namespace,
    /** The one namespace the operator watches; app teams submit SparkApplications there. Default spark-jobs. */
    jobNamespace: namespace,
    /** Controller and webhook replicas (leader election; 2+ adds PodDisruptionBudgets). Default 1 (dev) / 2 (prod). */
    operatorReplicas: z.number().int().min(1).max(5),
    /** ResourceQuota of the jobs namespace. */
    quota: quotaSchema,
    /** LimitRange default of the jobs namespace. Default 500m / 1024 MiB. */
    containerDefault: containerDefaultSchema,
    /** Platform default driver (examples and docs). Default 1 core / 2048 MiB (dev), 1 / 4096 (prod). */
    driver: sparkPodSchema,
    /** Platform default executor. Default 2 cores / 8192 MiB x 2 (dev), 4 / 16384 x 4 (prod). */
    executor: sparkPodSchema.extend({ instances: z.number().int().min(1).max(500) }),
    /** Days event logs are kept (lifecycle expiry of the event-log bucket). Default 30 (dev) / 90 (prod). */
    eventLogRetentionDays: z.number().int().min(1).max(3650),
  }),
  flink: z.strictObject({
    /** Namespace of the operator. Default flink-operator. */
    operatorNamespace: namespace,
    /** The one namespace the operator watches; app teams submit FlinkDeployments there. Default flink-jobs. */
    jobNamespace: namespace,
    /** ResourceQuota of the jobs namespace. */
    quota: quotaSchema,
    /** LimitRange default of the jobs namespace. Default 500m / 1024 MiB. */
    containerDefault: containerDefaultSchema,
    /** Platform default JobManager. Default 1 core / 2048 MiB. */
    jobManager: flinkPodSchema,
    /** Platform default TaskManager and its slots. Default 1 core / 4096 MiB, 2 slots (dev); 2 / 8192, 4 (prod). */
    taskManager: flinkPodSchema.extend({ slots: z.number().int().min(1).max(64) }),
    /** Checkpoint interval, seconds. Default 60. */
    checkpointIntervalSeconds: z.number().int().min(1).max(86400),
    /** Days noncurrent checkpoint/savepoint objects are kept after Flink deletes or replaces them. Default 7. */
    noncurrentStateRetentionDays: z.number().int().min(1).max(365),
  }),
  /** The copyable examples; off unless turned on. */
  examples: z.strictObject({
    /** ScheduledSparkApplication: daily candle backfill at 01:00. Default false. */
    sparkBackfill: z.boolean(),
    /** FlinkDeployment: trades to 1-minute candles. Default false. */
    flinkCandles: z.boolean(),
  }),
});
export type ProcessingConfig = z.infer<typeof processingSchema>;
// The components own their settings' types; the validated config satisfies them.
processingSchema.shape.spark satisfies z.ZodType<SparkSettings>;
processingSchema.shape.flink satisfies z.ZodType<FlinkSettings>;

/** Spark's memory overhead on top of the heap: 10%, at least 384 MiB (spark.{driver,executor}.memoryOverhead).
 * https://spark.apache.org/docs/3.5.7/configuration.html#application-properties */
export function sparkPodMemoryMiB(heapMiB: number): number {
  return heapMiB + Math.max(384, Math.ceil(heapMiB * 0.1));
}

/** Checks inside the area: namespace names. */
export function validateProcessing(p: ProcessingConfig, areaKey = "entasis:processing"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names: [string, string][] = [
    ["spark.operatorNamespace", p.spark.operatorNamespace],
    ["spark.jobNamespace", p.spark.jobNamespace],
    ["flink.operatorNamespace", p.flink.operatorNamespace],
    ["flink.jobNamespace", p.flink.jobNamespace],
  ];
  names.forEach(([path, ns], i) => {
    if (RESERVED_NAMESPACES.includes(ns)) {
      problems.push({ key: `${areaKey}.${path}`, value: ns, problem: "is a namespace the platform or Kubernetes already uses", fix: "pick a namespace of its own, e.g. spark-jobs" });
    }
    const first = names.findIndex(([, other]) => other === ns);
    if (first < i) problems.push({ key: `${areaKey}.${path}`, value: ns, problem: `is also ${areaKey}.${names[first][0]}`, fix: "give every processing namespace its own name (quotas and network policies are per namespace)" });
  });
  return problems;
}

const gib = (mib: number): string => `${(mib / 1024).toFixed(1)} GiB`;
const cores = (millis: number): string => `${(millis / 1000).toFixed(2)} vCPU`;

/**
 * Sizing across areas: quotas against the pool's largest size and job defaults against one node.
 * A node's room is the allocatable of the pool's smallest instance type minus the DaemonSets
 * (lib/instanceTypes.ts); the pool's capacity is that times maxSize.
 */
export function validateProcessingCapacity(p: ProcessingConfig, cluster: ClusterConfig, areaKey = "entasis:processing", clusterKey = "entasis:cluster"): ConfigProblem[] {
  const pool = cluster.nodePools[p.pool];
  if (!pool) {
    return [{ key: `${areaKey}.pool`, value: p.pool, problem: "is not a node pool of the cluster", fix: `use one of ${Object.keys(cluster.nodePools).join(", ")} (${clusterKey}.nodePools)` }];
  }
  const poolKey = `${clusterKey}.nodePools.${p.pool}`;
  const unknown = pool.instanceTypes.flatMap((t, i) => (INSTANCE_SIZES[t] ? [] : [i]));
  const room = podRoomOnSmallest(pool.instanceTypes);
  if (unknown.length > 0 || !room) {
    return unknown.map((i) => ({
      key: `${poolKey}.instanceTypes[${i}]`,
      value: pool.instanceTypes[i],
      problem: "has no vCPU/memory entry in lib/instanceTypes.ts, so processing quotas cannot be checked against the pool",
      fix: `add it to INSTANCE_SIZES (known: ${Object.keys(INSTANCE_SIZES).join(", ")})`,
    }));
  }
  const problems: ConfigProblem[] = [];
  const capacity = { cpuMillis: room.cpuMillis * pool.maxSize, memoryMiB: room.memoryMiB * pool.maxSize };
  const where = `${p.pool} at maxSize ${pool.maxSize} x ${cores(room.cpuMillis)} / ${gib(room.memoryMiB)} per node`;
  const raise = `lower it, or raise ${poolKey}.maxSize`;

  const quotas = { spark: p.spark.quota, flink: p.flink.quota };
  for (const [engine, q] of Object.entries(quotas)) {
    if (q.cpu * 1000 > capacity.cpuMillis) problems.push({ key: `${areaKey}.${engine}.quota.cpu`, value: q.cpu, problem: `is more than the pool can ever run (${where} = ${cores(capacity.cpuMillis)})`, fix: raise });
    if (q.memoryGiB * 1024 > capacity.memoryMiB) problems.push({ key: `${areaKey}.${engine}.quota.memoryGiB`, value: q.memoryGiB, problem: `is more than the pool can ever hold (${where} = ${gib(capacity.memoryMiB)})`, fix: raise });
  }
  const cpuSum = p.spark.quota.cpu + p.flink.quota.cpu;
  const memSum = p.spark.quota.memoryGiB + p.flink.quota.memoryGiB;
  if (cpuSum * 1000 > capacity.cpuMillis && p.spark.quota.cpu * 1000 <= capacity.cpuMillis && p.flink.quota.cpu * 1000 <= capacity.cpuMillis) {
    problems.push({ key: `${areaKey}.flink.quota.cpu`, value: p.flink.quota.cpu, problem: `plus spark.quota.cpu ${p.spark.quota.cpu} is ${cpuSum} vCPU, more than the shared pool can run (${where} = ${cores(capacity.cpuMillis)})`, fix: `lower one of the quotas, or raise ${poolKey}.maxSize` });
  }
  if (memSum * 1024 > capacity.memoryMiB && p.spark.quota.memoryGiB * 1024 <= capacity.memoryMiB && p.flink.quota.memoryGiB * 1024 <= capacity.memoryMiB) {
    problems.push({ key: `${areaKey}.flink.quota.memoryGiB`, value: p.flink.quota.memoryGiB, problem: `plus spark.quota.memoryGiB ${p.spark.quota.memoryGiB} is ${memSum} GiB, more than the shared pool can hold (${where} = ${gib(capacity.memoryMiB)})`, fix: `lower one of the quotas, or raise ${poolKey}.maxSize` });
  }

  // Every default pod must fit on one node of the pool, or it stays Pending forever.
  const node = `one ${p.pool} node (${cores(room.cpuMillis)} / ${gib(room.memoryMiB)} for pods)`;
  const fits = (path: string, cpuMillis: number, memoryMiB: number, cpuValue: number, memoryValue: number, memoryNote: string): void => {
    if (cpuMillis > room.cpuMillis) problems.push({ key: `${areaKey}.${path}.${path.startsWith("spark") ? "cores" : "cpu"}`, value: cpuValue, problem: `does not fit on ${node}`, fix: `lower it, or use a larger instance type in ${poolKey}.instanceTypes` });
    if (memoryMiB > room.memoryMiB) problems.push({ key: `${areaKey}.${path}.memoryMiB`, value: memoryValue, problem: `needs ${gib(memoryMiB)}${memoryNote}, which does not fit on ${node}`, fix: `lower it, or use a larger instance type in ${poolKey}.instanceTypes` });
  };
  const overhead = " with Spark's memory overhead";
  fits("spark.driver", p.spark.driver.cores * 1000, sparkPodMemoryMiB(p.spark.driver.memoryMiB), p.spark.driver.cores, p.spark.driver.memoryMiB, overhead);
  fits("spark.executor", p.spark.executor.cores * 1000, sparkPodMemoryMiB(p.spark.executor.memoryMiB), p.spark.executor.cores, p.spark.executor.memoryMiB, overhead);
  fits("flink.jobManager", p.flink.jobManager.cpu * 1000, p.flink.jobManager.memoryMiB, p.flink.jobManager.cpu, p.flink.jobManager.memoryMiB, "");
  fits("flink.taskManager", p.flink.taskManager.cpu * 1000, p.flink.taskManager.memoryMiB, p.flink.taskManager.cpu, p.flink.taskManager.memoryMiB, "");
  for (const engine of ["spark", "flink"] as const) {
    const d = p[engine].containerDefault;
    if (d.cpuMillis > room.cpuMillis || d.memoryMiB > room.memoryMiB) {
      problems.push({ key: `${areaKey}.${engine}.containerDefault`, value: d, problem: `does not fit on ${node}`, fix: "lower it" });
    }
  }

  // A default job must fit in its own namespace's quota, or the quota rejects it at submission.
  const sparkJob = {
    cpu: p.spark.driver.cores + p.spark.executor.cores * p.spark.executor.instances,
    memoryMiB: sparkPodMemoryMiB(p.spark.driver.memoryMiB) + sparkPodMemoryMiB(p.spark.executor.memoryMiB) * p.spark.executor.instances,
  };
  if (sparkJob.cpu > p.spark.quota.cpu || sparkJob.memoryMiB > p.spark.quota.memoryGiB * 1024) {
    problems.push({
      key: `${areaKey}.spark.executor.instances`,
      value: p.spark.executor.instances,
      problem: `makes the default job (driver + executors: ${sparkJob.cpu} vCPU, ${gib(sparkJob.memoryMiB)}) larger than ${areaKey}.spark.quota (${p.spark.quota.cpu} vCPU, ${p.spark.quota.memoryGiB} GiB)`,
      fix: "use fewer or smaller executors, or raise the quota",
    });
  }
  const flinkJob = { cpu: p.flink.jobManager.cpu + p.flink.taskManager.cpu, memoryMiB: p.flink.jobManager.memoryMiB + p.flink.taskManager.memoryMiB };
  if (flinkJob.cpu > p.flink.quota.cpu || flinkJob.memoryMiB > p.flink.quota.memoryGiB * 1024) {
    problems.push({
      key: `${areaKey}.flink.quota`,
      value: p.flink.quota,
      problem: `cannot hold one default JobManager and TaskManager (${flinkJob.cpu} vCPU, ${gib(flinkJob.memoryMiB)})`,
      fix: "raise the quota or shrink flink.jobManager / flink.taskManager",
    });
  }
  return problems;
}
