/**
 * NVIDIA GPUs per EC2 instance type, for sizing GPU work against a node pool. Only the types this
 * platform might run; a pool with a type missing here is rejected by config validation, so the
 * table grows deliberately. Source: "Accelerated computing instance specifications"
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html (G4dn: NVIDIA T4; G5: A10G; G6: L4;
 * also https://aws.amazon.com/ec2/instance-types/g4/).
 */
export const GPUS_PER_INSTANCE: Readonly<Record<string, number>> = {
  "g4dn.xlarge": 1,
  "g4dn.2xlarge": 1,
  "g4dn.4xlarge": 1,
  "g4dn.8xlarge": 1,
  "g4dn.16xlarge": 1,
  "g4dn.12xlarge": 4,
  "g4dn.metal": 8,
  "g5.xlarge": 1,
  "g5.2xlarge": 1,
  "g5.4xlarge": 1,
  "g5.8xlarge": 1,
  "g5.16xlarge": 1,
  "g5.12xlarge": 4,
  "g5.24xlarge": 4,
  "g5.48xlarge": 8,
  "g6.xlarge": 1,
  "g6.2xlarge": 1,
  "g6.4xlarge": 1,
  "g6.8xlarge": 1,
  "g6.16xlarge": 1,
  "g6.12xlarge": 4,
  "g6.24xlarge": 4,
  "g6.48xlarge": 8,
};

/**
 * GPUs one node of the pool is sure to have: the fewest over its instance types (a mixed spot pool
 * may get any of them), or undefined when a type is not in the table.
 */
export function gpusPerNode(instanceTypes: readonly string[]): number | undefined {
  const counts = instanceTypes.map((t) => GPUS_PER_INSTANCE[t]);
  if (counts.length === 0 || counts.some((c) => c === undefined)) return undefined;
  return Math.min(...counts.map((c) => c ?? 0));
}

/** GPUs of the pool at its maximum size, or undefined when an instance type is unknown. */
export function poolMaxGpus(pool: { readonly instanceTypes: readonly string[]; readonly maxSize: number }): number | undefined {
  const perNode = gpusPerNode(pool.instanceTypes);
  return perNode === undefined ? undefined : perNode * pool.maxSize;
}
