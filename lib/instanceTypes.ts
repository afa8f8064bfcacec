/**
 * Size of the EC2 instance types node pools may use, and what a pod can get of one node. Config
 * validation uses it to reject quotas larger than a pool and job defaults no node can hold.
 *
 * - vCPU and memory: the EC2 instance type pages (memory-optimized and compute-optimized
 *   families). https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html ,
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html ,
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html ,
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html
 * - maxPods: the VPC CNI's ENI limit per type, as the EKS AMI sets it without prefix delegation
 *   (https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt).
 */
export interface InstanceSize {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly maxPods: number;
}

export const INSTANCE_SIZES: Readonly<Record<string, InstanceSize>> = {
  "c5.xlarge": { vcpu: 4, memoryGiB: 8, maxPods: 58 },
  "c5.2xlarge": { vcpu: 8, memoryGiB: 16, maxPods: 58 },
  "c5.4xlarge": { vcpu: 16, memoryGiB: 32, maxPods: 234 },
  "m5.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58 },
  "m5.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58 },
  "m5.4xlarge": { vcpu: 16, memoryGiB: 64, maxPods: 234 },
  "r5.large": { vcpu: 2, memoryGiB: 16, maxPods: 29 },
  "r5.xlarge": { vcpu: 4, memoryGiB: 32, maxPods: 58 },
  "r5.2xlarge": { vcpu: 8, memoryGiB: 64, maxPods: 58 },
  "r5.4xlarge": { vcpu: 16, memoryGiB: 128, maxPods: 234 },
  "r5a.xlarge": { vcpu: 4, memoryGiB: 32, maxPods: 58 },
  "r5a.2xlarge": { vcpu: 8, memoryGiB: 64, maxPods: 58 },
  "r6i.xlarge": { vcpu: 4, memoryGiB: 32, maxPods: 58 },
  "r6i.2xlarge": { vcpu: 8, memoryGiB: 64, maxPods: 58 },
  "r6i.4xlarge": { vcpu: 16, memoryGiB: 128, maxPods: 234 },
  "g4dn.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 29 },
  "g4dn.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 29 },
};

/** What one node offers pods after the kubelet's reservations, in millicores and MiB. */
export interface Allocatable {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

/** The kubelet's hard eviction threshold on EKS AMIs (memory.available < 100Mi). */
const EVICTION_MIB = 100;

/**
 * kube-reserved as the EKS AMIs compute it: CPU 6% of the first core, 1% of the second, 0.5% of
 * the third and fourth, 0.25% of the rest; memory 11 MiB per pod slot + 255 MiB.
 * https://github.com/awslabs/amazon-eks-ami/blob/main/templates/al2/runtime/bootstrap.sh (and
 * nodeadm for AL2023), the same numbers as https://github.com/eksctl-io/eksctl/blob/main/pkg/nodebootstrap/reserved.go
 */
export function allocatableOf(size: InstanceSize): Allocatable {
  const millis = size.vcpu * 1000;
  const steps: readonly (readonly [number, number])[] = [
    [1000, 0.06],
    [2000, 0.01],
    [4000, 0.005],
    [Number.MAX_SAFE_INTEGER, 0.0025],
  ];
  let lower = 0;
  let reservedCpu = 0;
  for (const [upper, fraction] of steps) {
    const top = Math.min(millis, upper);
    if (top > lower) reservedCpu += (top - lower) * fraction;
    lower = upper;
  }
  const reservedMemory = 11 * size.maxPods + 255 + EVICTION_MIB;
  return { cpuMillis: Math.floor(millis - reservedCpu), memoryMiB: Math.floor(size.memoryGiB * 1024 - reservedMemory) };
}

/**
 * What every node of the data pools gives to DaemonSets before any job pod (requests of
 * aws-node, kube-proxy, the EBS CSI node plugin, node-exporter and Filebeat, rounded up). An
 * estimate: the platform's own DaemonSet requests sum to less than this.
 */
export const DAEMONSET_RESERVE: Allocatable = { cpuMillis: 400, memoryMiB: 1024 };

/**
 * Allocatable of the smallest of the given types (a pool of several types may get any of them),
 * minus DAEMONSET_RESERVE; undefined when a type is not in INSTANCE_SIZES.
 */
export function podRoomOnSmallest(instanceTypes: readonly string[]): Allocatable | undefined {
  const sizes = instanceTypes.map((t) => INSTANCE_SIZES[t]);
  if (sizes.length === 0 || sizes.some((s) => s === undefined)) return undefined;
  const all = sizes.map((s) => allocatableOf(s as InstanceSize));
  return {
    cpuMillis: Math.min(...all.map((a) => a.cpuMillis)) - DAEMONSET_RESERVE.cpuMillis,
    memoryMiB: Math.min(...all.map((a) => a.memoryMiB)) - DAEMONSET_RESERVE.memoryMiB,
  };
}
