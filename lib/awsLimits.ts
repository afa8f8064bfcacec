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

/** RDS DB instance identifiers (and DB proxy names): 1..63 letters, digits and hyphens, starting
 * with a letter, no `--`, not ending in `-`; RDS stores them lowercase.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html */
export const RDS_IDENTIFIER_MAX = 63;
export const RDS_IDENTIFIER_RE = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/;

/** Automated backup retention of an RDS instance, days (0 turns backups off).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html */
export const RDS_BACKUP_RETENTION = { min: 0, max: 35 } as const;

/** gp3 storage for RDS PostgreSQL: 20..65,536 GiB.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage */
export const RDS_GP3_STORAGE_GIB = { min: 20, max: 65536 } as const;

/** Enhanced Monitoring granularity, seconds (0 = off).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MonitoringInterval) */
export const RDS_MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** Performance Insights retention: 7 (free tier), a multiple of 31 (months), or 731 days.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (PerformanceInsightsRetentionPeriod) */
export function isPerformanceInsightsRetention(days: number): boolean {
  return days === 7 || days === 731 || (days % 31 === 0 && days >= 31 && days <= 713);
}

/** RDS for PostgreSQL majors in standard support (engine `postgres`); the parameter group family is `postgres<major>`.
 * https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html */
export const POSTGRES_MAJORS = ["14", "15", "16", "17", "18"] as const;

/** Log types RDS for PostgreSQL can export to CloudWatch Logs (EnableCloudwatchLogsExports). */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade", "iam-db-auth-error"] as const;

/** RDS instance classes: `db.` + family + size, e.g. db.t4g.medium, db.r7g.2xlarge. */
export const RDS_INSTANCE_CLASS_RE = /^db\.[a-z][a-z0-9-]*\d[a-z0-9-]*\.(micro|small|medium|large|\d*xlarge|metal)$/;

/** ElastiCache node types, e.g. cache.t4g.small, cache.r7g.large. */
export const CACHE_NODE_TYPE_RE = /^cache\.[a-z][a-z0-9-]*\d[a-z0-9-]*\.(micro|small|medium|large|\d*xlarge)$/;

/** ElastiCache replication group IDs: 1..40 letters, digits and hyphens, starting with a letter,
 * no `--`, not ending in `-`. https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html */
export const CACHE_GROUP_ID_MAX = 40;

/** ElastiCache engine versions this program supports for node-based replication groups with
 * transit encryption and AUTH. https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html */
export const CACHE_ENGINE_VERSIONS = { redis: ["6.2", "7.0", "7.1"], valkey: ["7.2", "8.0", "8.1"] } as const;

/** Snapshot retention of an ElastiCache replication group, days (0 turns snapshots off). */
export const CACHE_SNAPSHOT_RETENTION = { min: 0, max: 35 } as const;

/** ElastiCache AUTH tokens: 16..128 printable characters; the only special characters allowed.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html */
export const CACHE_AUTH_TOKEN_SPECIALS = "!&#$^<>-";

/** RDS master passwords for PostgreSQL: 8..128 printable ASCII except `/`, `"`, `@` and space.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUserPassword) */
export const RDS_PASSWORD_FORBIDDEN = "/\"@ ";

/** S3 bucket names: 3..63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
export const S3_BUCKET_NAME_MAX = 63;

/** Elastic Load Balancing writes access logs only to buckets encrypted with SSE-S3.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html */
export const ALB_LOG_BUCKET_SSE = "AES256";
/** Role (and Pulumi-name suffix) of the platform's ALB access-log bucket; the policy pack lets
 * exactly this bucket use SSE-S3 for the reason above. */
export const ALB_LOG_BUCKET_ROLE = "access-logs";

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

/**
 * Disaster-recovery regions per primary region: destinations where every copy the platform makes
 * is available from that source. RDS cross-Region automated backups (PostgreSQL) are the
 * constraint: each source region replicates only to listed destinations
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html, "Region
 * and version availability"; check a pair with `aws rds describe-source-regions --region <dr>`,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/AutomatedBackups.Replicating.Describe.html).
 * AWS Backup cross-Region copy and S3 Cross-Region Replication are available between all
 * commercial regions of a partition (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html). Listed only where the
 * RDS pair was confirmed; extend deliberately.
 */
export const DR_REGIONS: Readonly<Record<string, readonly string[]>> = {
  "ap-northeast-2": ["ap-northeast-1", "ap-southeast-1"],
  // The recovery stack of docs/disaster-recovery.md, run in Tokyo while Seoul is down.
  "ap-northeast-1": ["ap-northeast-2", "ap-southeast-1"],
};
/** Amazon MQ for RabbitMQ engine versions AWS creates brokers on (major.minor; Amazon MQ manages
 * patches). RabbitMQ 4.2 runs only on mq.m7g; 3.13 on mq.t3, mq.m5 and mq.m7g.
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html */
export const MQ_RABBITMQ_VERSIONS = ["3.13", "4.2"] as const;
export const MQ_RABBITMQ_M7G_ONLY_VERSIONS: readonly string[] = ["4.2"];

/** Broker instance types Amazon MQ offers for RabbitMQ; mq.t3.micro does not support cluster deployment.
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-broker-instance-types.html */
export const MQ_RABBITMQ_INSTANCE_TYPES = [
  "mq.t3.micro",
  "mq.m5.large",
  "mq.m5.xlarge",
  "mq.m5.2xlarge",
  "mq.m5.4xlarge",
  "mq.m7g.medium",
  "mq.m7g.large",
  "mq.m7g.xlarge",
  "mq.m7g.2xlarge",
  "mq.m7g.4xlarge",
  "mq.m7g.8xlarge",
  "mq.m7g.12xlarge",
  "mq.m7g.16xlarge",
] as const;
/** Types AWS lists for single-instance deployment only. */
export const MQ_SINGLE_INSTANCE_ONLY_TYPES: readonly string[] = ["mq.t3.micro"];
/** Types AWS marks "Evaluation" rather than "Production" (same page). */
export const MQ_EVALUATION_TYPES: readonly string[] = ["mq.t3.micro", "mq.m7g.medium"];

/** Amazon MQ broker names: 1..50 letters, digits, hyphens and underscores.
 * https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html (brokerName) */
export const MQ_BROKER_NAME_RE = /^[A-Za-z0-9_-]{1,50}$/;

/** ALB connection idle timeout (`idle_timeout.timeout_seconds`), seconds: 1-4000, default 60. It also bounds
 * how long a WebSocket may carry no frame. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout */
export const ALB_IDLE_TIMEOUT_SECONDS = { min: 1, max: 4000 } as const;
/** Target-group deregistration delay, seconds. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay */
export const TARGET_GROUP_DEREGISTRATION_SECONDS = { min: 0, max: 3600 } as const;

/** SSM Parameter Store names: letters, digits and . - _ / ; at most 15 levels and 1011 characters;
 * standard-tier values up to 4 KB. https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html */
export const SSM_PARAMETER_PATH_RE = /^[a-zA-Z0-9_.\-/]+$/;
export const SSM_MAX_LEVELS = 15;
export const SSM_STANDARD_VALUE_MAX_BYTES = 4096;
