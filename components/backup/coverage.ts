import { TIMESERIES_BUCKET_ROLE } from "../timeseries/backupStore";
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
  // TimescaleDB on CloudNativePG: its EBS volumes are tagged backup=false and Velero skips its
  // objects (a crash-consistent copy of PGDATA and WAL on two volumes is not a consistent database).
  "kubernetes:postgresql.cnpg.io/v1:Cluster": {
    by: "other",
    how: "Barman Cloud plugin: continuous WAL archiving and a daily base backup (01:00 Asia/Seoul) to the timeseries-backups S3 bucket, kept for entasis:timeseries.backup.retention; restore with docs/timeseries-restore.md",
  },
  "aws:eks/cluster:Cluster": { by: "other", how: "Velero: Kubernetes objects to S3 and EBS volume snapshots, daily (entasis:backup.velero)" },
  "aws:secretsmanager/secret:Secret": { by: "other", how: "Secrets Manager's recovery window; generated values are regenerated, connection details derived from the stack" },
  "aws:ecr/repository:Repository": { by: "other", how: "images are rebuilt from source by CI" },
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
  if (r.type === "aws:s3/bucket:Bucket" && r.name.endsWith(`-${TIMESERIES_BUCKET_ROLE}`)) {
    return "the time-series database's WAL archive and base backups (versioned, SSE-KMS): it is the backup";
  }
  return undefined;
}
