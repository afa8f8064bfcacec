import type { FlinkCandlesInput, SparkBackfillInput } from "./examples";
import type { JobNamespaceArgs } from "./jobNamespace";

/**
 * The processing engines' settings. The components own these types; `entasis:processing`
 * (validated by stacks/schema/processing.ts) produces values that satisfy them.
 */

/** What both engines' operator and jobs namespaces take. */
export interface EngineSettings {
  /** Namespace of the operator (and Spark's history server). Default spark-operator / flink-operator. */
  readonly operatorNamespace: string;
  /** The one namespace the operator watches; app teams submit their jobs there. Default spark-jobs / flink-jobs. */
  readonly jobNamespace: string;
  /** ResourceQuota of the jobs namespace. No default (per stack). */
  readonly quota: JobNamespaceArgs["quota"];
  /** LimitRange default of the jobs namespace. Default 500m / 1024 MiB. */
  readonly containerDefault: JobNamespaceArgs["containerDefault"];
}

export interface SparkSettings extends EngineSettings {
  /** Controller and webhook replicas (leader election; 2+ adds PodDisruptionBudgets). Default 1 (dev) / 2 (prod). */
  readonly operatorReplicas: number;
  /** Platform default driver (examples and docs). Default 1 core / 2048 MiB (dev), 1 / 4096 (prod). */
  readonly driver: SparkBackfillInput["driver"];
  /** Platform default executor. Default 2 cores / 8192 MiB x 2 (dev), 4 / 16384 x 4 (prod). */
  readonly executor: SparkBackfillInput["executor"];
  /** Days event logs are kept (lifecycle expiry of the event-log bucket). Default 30 (dev) / 90 (prod). */
  readonly eventLogRetentionDays: number;
}

export interface FlinkSettings extends EngineSettings {
  /** Platform default JobManager. Default 1 core / 2048 MiB. */
  readonly jobManager: FlinkCandlesInput["jobManager"];
  /** Platform default TaskManager and its slots. Default 1 core / 4096 MiB, 2 slots (dev); 2 / 8192, 4 (prod). */
  readonly taskManager: FlinkCandlesInput["taskManager"];
  /** Checkpoint interval, seconds. Default 60. */
  readonly checkpointIntervalSeconds: number;
  /** Days noncurrent checkpoint/savepoint objects are kept after Flink deletes or replaces them. Default 7. */
  readonly noncurrentStateRetentionDays: number;
}
