/**
 * Values AWS accepts, copied from the API references so that a wrong value fails here and not
 * half-way through `pulumi up`.
 */

/** CloudWatch Logs `PutRetentionPolicy` accepted values (days).
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** VPC and subnet IPv4 blocks must be between /16 and /28.
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html */
export const VPC_MIN_PREFIX = 16;
export const VPC_MAX_PREFIX = 28;

/** EC2 instance type names: family + generation + options, then size (e.g. c5.2xlarge, g4dn.xlarge, m7i-flex.large). */
export const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.(nano|micro|small|medium|large|metal|\d*xlarge|metal-\d+xl)$/;

/** AWS region names such as ap-northeast-2, us-gov-west-1. */
export const REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Availability-zone names are the region plus one letter. We carve subnets by that letter, so a..f. */
export const AZ_LETTERS = "abcdef";

/** Instance families the EKS NVIDIA AMIs support (x86_64), from "Use EKS-optimized accelerated AMIs
 * for GPU instances". https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html */
export const NVIDIA_INSTANCE_FAMILIES = ["p6-b300", "p6-b200", "p5", "p5e", "p5en", "p4d", "p4de", "p3", "p3dn", "g7e", "gr6", "g6", "g6e", "g6f", "gr6f", "g5", "g4dn"] as const;

/** Managed node group names are at most 63 characters; a name prefix gets a 26-character unique
 * suffix, so the prefix may be at most 37. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html */
export const NODE_GROUP_NAME_MAX = 63;
export const NODE_GROUP_PREFIX_MAX = NODE_GROUP_NAME_MAX - 26;

/** EKS cluster names: 1..100 characters, alphanumerics, hyphens and underscores, starting with an alphanumeric.
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html */
export const EKS_CLUSTER_NAME_RE = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** IAM principals an EKS access entry accepts: an IAM role or user ARN (not an STS session).
 * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html */
export const IAM_PRINCIPAL_ARN_RE = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]{1,512}$/;

/** EKS add-on versions look like v1.19.2-eksbuild.1. */
export const EKS_ADDON_VERSION_RE = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
