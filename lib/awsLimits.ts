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
