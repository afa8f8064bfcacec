/**
 * The cluster component's own types: what `Cluster`, `NodePool` and the add-ons take. The config
 * schema (stacks/schema/cluster.ts) validates `entasis:cluster` into values that satisfy them.
 */

/** EKS managed add-ons every cluster gets. https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html */
export const EKS_ADDONS = ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/** Managed node group AMI types we support (EKS `CreateNodegroup` amiType; AL2 is end-of-life for 1.33+).
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html */
export const AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_x86_64_NVIDIA"] as const;
export type AmiType = (typeof AMI_TYPES)[number];

/** Taint effects as the EKS node group API spells them. */
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

/** A node taint as the EKS node group API takes it. */
export interface NodePoolTaint {
  readonly key: string;
  /** Default none. */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** One node pool (a managed node group, or one per zone). */
export interface NodePoolSettings {
  /** First type is preferred; several types only make sense for SPOT. */
  readonly instanceTypes: readonly string[];
  /** Default ON_DEMAND. */
  readonly capacityType: "ON_DEMAND" | "SPOT";
  /** Default AL2023_x86_64_STANDARD. */
  readonly amiType: AmiType;
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** Root volume (gp3, encrypted). Default 100 GiB. */
  readonly diskSizeGiB: number;
  /** Kubernetes node labels; `role` is required by the workloads' node selectors. Default none. */
  readonly labels: Readonly<Record<string, string>>;
  /** Default none. */
  readonly taints: readonly NodePoolTaint[];
}

/** The EKS cluster's settings (`entasis:cluster`). */
export interface ClusterSettings {
  /** EKS Kubernetes minor version, e.g. "1.35". */
  readonly kubernetesVersion: string;
  /** API server endpoint. The private endpoint is always on. */
  readonly endpoint: {
    /** Default false. */
    readonly publicAccess: boolean;
    /** Source CIDRs allowed to the public endpoint. Default none. */
    readonly publicAccessCidrs: readonly string[];
  };
  /** IAM role/user ARNs given cluster-admin through EKS access entries. Default none. */
  readonly adminPrincipalArns: readonly string[];
  /** Retention of the control-plane log group. Default 30 (dev) / 365 (prod). */
  readonly logRetentionDays: number;
  /** Pinned add-on versions; one left out gets EKS's default for kubernetesVersion. Default none pinned. */
  readonly addonVersions: Readonly<Partial<Record<EksAddonName, string>>>;
  /** EKS deletion protection. Default false (dev) / true (prod). */
  readonly deletionProtection: boolean;
  /** metrics-server replicas. Default 1 (dev) / 2 (prod). */
  readonly metricsServerReplicas: number;
  /** cert-manager replicas. Default 1 (dev) / 2 (prod). */
  readonly certManagerReplicas: number;
  /** Node pools keyed by name: the key is the node group name and its identity. */
  readonly nodePools: Readonly<Record<string, NodePoolSettings>>;
}

/** The spec's general pool: trading-api and the controllers run there (its `role` label). */
export const GENERAL_POOL_SELECTOR = { role: "general" } as const;
