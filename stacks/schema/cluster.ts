import { z } from "zod";
import { INSTANCE_TYPE_RE } from "../../lib/awsLimits";
import { ConfigProblem, issue } from "./problems";

/** Managed node group AMI types we support (EKS `CreateNodegroup` amiType; AL2 is end-of-life for 1.33+).
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html */
export const AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_x86_64_NVIDIA"] as const;
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;

const instanceType = z.string().regex(INSTANCE_TYPE_RE, { message: issue("is not an EC2 instance type", "use e.g. c5.2xlarge") });

/** Node group names are also Kubernetes label values and part of AWS names: keep them short and DNS-safe. */
export const POOL_NAME_RE = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

export const nodePoolSchema = z.strictObject({
  /** First type is preferred; several types only make sense for SPOT. */
  instanceTypes: z.array(instanceType).min(1).max(20),
  /** Default ON_DEMAND. */
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
  /** Default AL2023_x86_64_STANDARD. */
  amiType: z.enum(AMI_TYPES).default("AL2023_x86_64_STANDARD"),
  minSize: z.number().int().min(0),
  desiredSize: z.number().int().min(0),
  maxSize: z.number().int().min(1),
  /** Root volume (gp3, encrypted). Default 100 GiB. */
  diskSizeGiB: z.number().int().min(20).max(16384).default(100),
  /** Kubernetes node labels; `role` is required by the workloads' node selectors. */
  labels: z.record(z.string(), z.string()).default({}),
  /** Default none. */
  taints: z.array(z.strictObject({ key: z.string().min(1), value: z.string().optional(), effect: z.enum(TAINT_EFFECTS) })).default([]),
});
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;

export const clusterSchema = z.strictObject({
  /** EKS Kubernetes minor version, e.g. "1.35". */
  kubernetesVersion: z.string().regex(/^1\.\d{2}$/, { message: issue("is not a Kubernetes minor version", 'use e.g. "1.35" (quoted)') }),
  /** Node pools keyed by name: the key is the node group name and its identity. */
  nodePools: z.record(z.string(), nodePoolSchema),
});
export type ClusterConfig = z.infer<typeof clusterSchema>;

/** Sizes, names and scheduling rules across pools. */
export function validateCluster(cluster: ClusterConfig, areaKey = "entasis:cluster"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pools = Object.entries(cluster.nodePools);
  if (pools.length === 0) {
    problems.push({ key: `${areaKey}.nodePools`, value: {}, problem: "has no node pool", fix: "define at least the general pool" });
  }
  for (const [name, pool] of pools) {
    const key = `${areaKey}.nodePools.${name}`;
    if (!POOL_NAME_RE.test(name)) {
      problems.push({ key, value: name, problem: "is not a valid pool name (lowercase letters, digits and '-', 2..32 chars)", fix: "rename the pool, e.g. data-processing" });
    }
    if (pool.minSize > pool.maxSize) {
      problems.push({ key: `${key}.minSize`, value: pool.minSize, problem: `is greater than maxSize ${pool.maxSize}`, fix: "make minSize <= desiredSize <= maxSize" });
    }
    if (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize) {
      problems.push({ key: `${key}.desiredSize`, value: pool.desiredSize, problem: `is outside minSize..maxSize (${pool.minSize}..${pool.maxSize})`, fix: "make minSize <= desiredSize <= maxSize" });
    }
    if (pool.amiType.includes("NVIDIA") && !pool.taints.some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE")) {
      problems.push({ key: `${key}.taints`, value: pool.taints, problem: "is a GPU pool without the nvidia.com/gpu NO_SCHEDULE taint", fix: "add { key: nvidia.com/gpu, effect: NO_SCHEDULE } so only GPU workloads land there" });
    }
    if (pool.labels.role !== name) {
      problems.push({ key: `${key}.labels.role`, value: pool.labels.role, problem: "must equal the pool name", fix: `set labels.role: ${name} (workloads select pools by role)` });
    }
  }
  if (pools.length > 0 && !pools.some(([, p]) => p.taints.length === 0)) {
    problems.push({ key: `${areaKey}.nodePools`, value: pools.map(([n]) => n), problem: "has no untainted pool, so CoreDNS and system pods cannot schedule", fix: "leave the general pool without taints" });
  }
  return problems;
}
