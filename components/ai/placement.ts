import * as pulumi from "@pulumi/pulumi";
import { PoolDescription } from "../cluster/nodePool";
import { WorkloadIdentityArgs } from "../security/workloadIdentity";

/**
 * What KServe and Argo Workflows share: controllers on the system pool, model work on the GPU pool,
 * the model bucket they read or publish to, and an optional example. Their Args extend it.
 */
export interface AiComponentArgs extends WorkloadIdentityArgs {
  /** Namespace of the component's workloads (InferenceServices; the controller, server and workflows). No default. */
  readonly namespace: string;
  /** Pool of the controllers (the system pool). No default. */
  readonly systemPool: PoolDescription;
  /** The system pool's node group and CoreDNS (`cluster.scheduledOn`): what the controllers' pods wait for. No default. */
  readonly systemScheduledAfter: readonly pulumi.Resource[];
  /** The GPU pool model work runs on. No default. */
  readonly gpuPool: PoolDescription;
  /** Model bucket (name, for storage URIs). No default. */
  readonly modelBucketName: pulumi.Output<string>;
  /** ARN of the model bucket (IAM). No default. */
  readonly modelBucketArn: pulumi.Output<string>;
  /** Register the example (an InferenceService; a WorkflowTemplate). Default false. */
  readonly example?: boolean;
}

/** A toleration as Kubernetes takes it. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: string;
}

/** nodeSelector and tolerations that put a pod on `pool` and nowhere else (its `role` label, every taint tolerated). */
export function placementOn(pool: PoolDescription): { nodeSelector: Record<string, string>; tolerations: Toleration[] } {
  return {
    nodeSelector: { role: pool.labels.role ?? pool.name },
    tolerations: pool.taints.map((t) => (t.value === undefined ? { key: t.key, operator: "Exists", effect: t.effect } : { key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
  };
}

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = "nvidia.com/gpu";
