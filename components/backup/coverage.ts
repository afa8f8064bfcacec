import { VELERO_BUCKET_ROLE } from "./clusterBackup";

/**
 * How each kind of stateful resource is backed up, so that "every stateful thing is covered" is
 * a checked fact (tests/backup.test.ts), not a hope:
 * - `aws-backup`: every resource of the type carries BACKUP_TAG and so falls into the AWS Backup
 *   selection, unless `backupExemption` names it with the reason.
 * - `other`: AWS Backup does not cover the type; `how` says what does, and the test checks that.
 * - `no-data`: stateful for Pulumi (replacing it breaks references) but holds no data to restore.
 */
export type BackupCoverage =
  | { readonly by: "aws-backup" }
  | { readonly by: "other"; readonly how: string }
  | { readonly by: "no-data"; readonly why: string };

const AWS_BACKUP: BackupCoverage = { by: "aws-backup" };

/**
 * Every type of tools/contract/stateful.ts STATEFUL_TYPES, plus data stores that list does not
 * name yet. AWS Backup's supported types: https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html
 */
export const BACKUP_COVERAGE: Readonly<Record<string, BackupCoverage>> = {
  "aws:rds/instance:Instance": AWS_BACKUP,
  "aws:rds/cluster:Cluster": AWS_BACKUP,
  "aws:s3/bucket:Bucket": AWS_BACKUP,
  "aws:s3/bucketV2:BucketV2": AWS_BACKUP,
  "aws:efs/fileSystem:FileSystem": AWS_BACKUP,
  "aws:ebs/volume:Volume": AWS_BACKUP,
  "aws:dynamodb/table:Table": AWS_BACKUP,
  "aws:docdb/cluster:Cluster": AWS_BACKUP,
  "aws:neptune/cluster:Cluster": AWS_BACKUP,
  // Not an AWS Backup resource type; ElastiCache takes its own daily snapshots.
  "aws:elasticache/replicationGroup:ReplicationGroup": { by: "other", how: "ElastiCache automatic snapshots (entasis:data redis.snapshotRetentionDays > 0)" },
  "aws:eks/cluster:Cluster": { by: "other", how: "Velero: Kubernetes objects to S3 and EBS volume snapshots, daily (entasis:backup.velero)" },
  "aws:secretsmanager/secret:Secret": { by: "other", how: "Secrets Manager's recovery window; generated values are regenerated, connection details derived from the stack" },
  "aws:ecr/repository:Repository": { by: "other", how: "images are rebuilt from source by CI" },
  // AWS Backup has no Amazon MQ support. Messages are in flight, not records: quorum queues keep
  // them on three nodes across AZs in prod; definitions come back from code.
  "aws:mq/broker:Broker": {
    by: "other",
    how: "quorum-queue replication across the cluster's AZs (prod); vhosts, users and permissions recreated by the user provisioner Job, queues by the apps that declare them; no message backup",
  },
  "aws:ssm/parameter:Parameter": { by: "other", how: "every value is written by `pulumi up` from the stack's outputs and config; Parameter Store also keeps each parameter's last 100 versions" },
  "aws:ec2/eip:Eip": { by: "no-data", why: "an address, not data; protected in prod and keyed by AZ so it is never reallocated" },
  "aws:backup/vault:Vault": { by: "no-data", why: "it is the backup store (locked in prod)" },
  "aws:kms/key:Key": { by: "no-data", why: "key material cannot be exported; deletion waits 7..30 days and can be cancelled" },
  "aws:cloudwatch/logGroup:LogGroup": { by: "no-data", why: "logs are kept for their retention and are not restored" },
  "aws:ec2/vpc:Vpc": { by: "no-data", why: "network configuration, rebuilt by the program" },
  "aws:ec2/subnet:Subnet": { by: "no-data", why: "network configuration, rebuilt by the program" },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { by: "no-data", why: "configuration, rebuilt by the program" },
};

/** Recorded inputs of a resource, as far as exemptions look at them. */
export interface ExemptionInput {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/**
 * Why a resource of an `aws-backup` type deliberately carries no backup tag, or undefined. Kept to
 * two cases, each covered by something else.
 */
export function backupExemption(r: ExemptionInput): string | undefined {
  if (r.type === "aws:rds/instance:Instance" && typeof r.inputs.replicateSourceDb === "string") {
    return "a read replica: a copy of the primary, whose recovery points restore the data; the replica is recreated from it";
  }
  if (r.type === "aws:s3/bucket:Bucket" && r.name.endsWith(`-${VELERO_BUCKET_ROLE}`)) {
    return "Velero's bucket holds backups itself (versioned, SSE-KMS); backing it up again would only double the cost";
  }
  return undefined;
}
