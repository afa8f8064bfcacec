/**
 * Default vCPUs of the EC2 instance types the stacks use (and a few neighbours), and which vCPU
 * quota bucket each family falls in. EC2 On-Demand and Spot quotas count vCPUs per bucket, not
 * instances. Compiled 2026-11-27 from the Amazon EC2 instance type specifications (the page of each
 * entry); check one with `aws ec2 describe-instance-types --instance-types <type>
 * --query 'InstanceTypes[].VCpuInfo.DefaultVCpus'`.
 */
export const INSTANCE_SPEC_PAGES = {
  generalPurpose: "https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html",
  computeOptimized: "https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html",
  memoryOptimized: "https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html",
  acceleratedComputing: "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html",
} as const;

export interface InstanceSpec {
  readonly vcpus: number;
  readonly source: keyof typeof INSTANCE_SPEC_PAGES;
}

export const INSTANCE_VCPUS: Readonly<Record<string, InstanceSpec>> = {
  "t3.micro": { vcpus: 2, source: "generalPurpose" },
  "t3.small": { vcpus: 2, source: "generalPurpose" },
  "t3.medium": { vcpus: 2, source: "generalPurpose" },
  "m5.large": { vcpus: 2, source: "generalPurpose" },
  "m5.xlarge": { vcpus: 4, source: "generalPurpose" },
  "m5.2xlarge": { vcpus: 8, source: "generalPurpose" },
  "c5.xlarge": { vcpus: 4, source: "computeOptimized" },
  "c5.2xlarge": { vcpus: 8, source: "computeOptimized" },
  "c5.4xlarge": { vcpus: 16, source: "computeOptimized" },
  "r5.xlarge": { vcpus: 4, source: "memoryOptimized" },
  "r5a.xlarge": { vcpus: 4, source: "memoryOptimized" },
  "r6i.xlarge": { vcpus: 4, source: "memoryOptimized" },
  "r5.2xlarge": { vcpus: 8, source: "memoryOptimized" },
  "g4dn.xlarge": { vcpus: 4, source: "acceleratedComputing" },
  "g4dn.2xlarge": { vcpus: 8, source: "acceleratedComputing" },
  "g5.xlarge": { vcpus: 4, source: "acceleratedComputing" },
};

/**
 * vCPU quota buckets. Each has its own On-Demand quota and its own Spot quota.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html lists the Spot ones.
 */
export type VcpuBucket = "standard" | "g-vt" | "p" | "f" | "x" | "inf" | "dl" | "trn" | "hpc" | "high-memory" | "mac";

export const BUCKET_LABELS: Readonly<Record<VcpuBucket, string>> = {
  standard: "Standard (A, C, D, H, I, M, R, T, Z)",
  "g-vt": "G and VT",
  p: "P",
  f: "F",
  x: "X",
  inf: "Inf",
  dl: "DL",
  trn: "Trn",
  hpc: "HPC",
  "high-memory": "High Memory",
  mac: "Mac",
};

/** The quota bucket of an instance type, from its family prefix (c5 -> standard, g4dn -> G and VT). */
export function vcpuBucketOf(instanceType: string): VcpuBucket | undefined {
  const family = instanceType.split(".")[0];
  if (family.startsWith("u-")) return "high-memory";
  const letters = /^[a-z]+/.exec(family)?.[0] ?? "";
  // Multi-letter prefixes first: "trn" and "inf" would otherwise read as T and I (standard).
  for (const [prefix, bucket] of [["trn", "trn"], ["inf", "inf"], ["hpc", "hpc"], ["mac", "mac"], ["dl", "dl"], ["vt", "g-vt"]] as const) {
    if (letters.startsWith(prefix)) return bucket;
  }
  switch (letters[0]) {
    case "g":
      return "g-vt";
    case "p":
      return "p";
    case "f":
      return "f";
    case "x":
      return "x";
  }
  return letters.length > 0 && "acdhimrtz".includes(letters[0]) ? "standard" : undefined;
}
