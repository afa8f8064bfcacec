import { PoolDescription } from "../cluster/nodePool";

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
