import { TIMESERIES_BUCKET_ROLE } from "../timeseries/backupStore";
import { VELERO_BUCKET_ROLE } from "./clusterBackup";
import { DR_BUCKET_SUFFIX } from "./disasterRecovery";

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

/** Stateful for Pulumi but pure configuration: nothing to back up or copy, the program rebuilds them (in the DR region too). */
const REBUILT_BY_THE_PROGRAM: Readonly<Record<string, string>> = {
  "aws:ec2/vpc:Vpc": "network configuration, rebuilt by the program",
  "aws:ec2/subnet:Subnet": "network configuration, rebuilt by the program",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "configuration, rebuilt by the program (with the DR cluster there)",
};

function rebuilt<B extends "no-data" | "none">(by: B): Record<string, { readonly by: B; readonly why: string }> {
  return Object.fromEntries(Object.entries(REBUILT_BY_THE_PROGRAM).map(([type, why]) => [type, { by, why }]));
}

/** Data-store types AWS Backup covers that the platform does not create: no cross-region copy to make. */
const NOT_CREATED: Readonly<Record<string, string>> = {
  "aws:s3/bucketV2:BucketV2": "BucketV2",
  "aws:efs/fileSystem:FileSystem": "EFS file system",
  "aws:dynamodb/table:Table": "DynamoDB table",
  "aws:docdb/cluster:Cluster": "DocumentDB cluster",
  "aws:neptune/cluster:Cluster": "Neptune cluster",
};

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
  ...rebuilt("no-data"),
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
  if (r.type === "aws:s3/bucket:Bucket" && isDrBucket(r)) {
    return "a disaster-recovery copy in another region: it is itself the cross-region copy of its source bucket";
  }
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

/** A DR bucket, by its physical name `<prefix>-<role>-dr-<account>-<region>` (lib/dataNames.ts bucketName). */
export function isDrBucket(r: ExemptionInput): boolean {
  return typeof r.inputs.bucket === "string" && new RegExp(`-${DR_BUCKET_SUFFIX}-\\d{12}-[a-z]{2}-[a-z]+-\\d$`).test(r.inputs.bucket);
}

/**
 * What survives the loss of the stack's region, per stateful type, when entasis:backup.drRegion is
 * set (prod requires it), and the recovery point objective there. Types with `by: "none"` say
 * why nothing is copied. docs/disaster-recovery.md turns this into restore steps; tests/
 * disaster-recovery.test.ts proves each claim over the recorded program.
 */
export type CrossRegionCopy =
  | { readonly by: "rds-backup-replication" | "s3-replication" | "aws-backup-copy"; readonly rpo: string; readonly what: string }
  | { readonly by: "none"; readonly why: string };

export const CROSS_REGION_COVERAGE: Readonly<Record<string, CrossRegionCopy>> = {
  "aws:rds/instance:Instance": {
    by: "rds-backup-replication",
    rpo: "minutes: RDS copies each transaction log to the DR region as it is archived (every 5 minutes) plus the copy time; the replicated backups' latest restorable time says exactly",
    what: "point-in-time restore in the DR region for the backup retention, done by the recovery stack's own `pulumi up` (entasis:data.postgres.restore, docs/recovery/Pulumi.prod-dr.yaml); read replicas are rebuilt from the restored primary",
  },
  "aws:rds/cluster:Cluster": { by: "none", why: "the platform runs no Aurora or Multi-AZ DB cluster (RDS cannot replicate a Multi-AZ DB cluster's automated backups)" },
  "aws:s3/bucket:Bucket": {
    by: "s3-replication",
    rpo: "typically seconds to 15 minutes (S3 Cross-Region Replication without Replication Time Control has no SLA); the daily AWS Backup copy of tagged buckets bounds it at 24 hours",
    what: "market data, Velero's bucket and the time-series WAL archive replicated object by object; the other data buckets (Spark event logs, Flink state, models, ML artifacts) are tagged backup=true and reach the DR vault with the backup plan's daily, weekly and monthly copies (RPO 24 h); the ALB access-log bucket is not copied (diagnostics, not restored)",
  },
  "aws:mq/broker:Broker": {
    by: "none",
    why: "a message queue holds messages in flight, not records: producers re-publish from PostgreSQL and the exchange feeds; the DR stack creates an empty broker with the same users (docs/disaster-recovery.md)",
  },
  "aws:ssm/parameter:Parameter": { by: "none", why: "written by `pulumi up` from the stack's outputs and config: running the program in the DR region writes them there" },
  "aws:ec2/eip:Eip": { by: "none", why: "an address, not data, and regional by nature: the DR region has its own NAT addresses, which exchanges must allow-list in advance (docs/egress-allowlist.md)" },
  "kubernetes:postgresql.cnpg.io/v1:Cluster": {
    by: "s3-replication",
    rpo: "WAL archiving's lag (CNPG archives each WAL segment when full or after archive_timeout, 5 minutes) plus S3 replication (seconds to 15 minutes)",
    what: "the Barman Cloud WAL archive and base backups, replicated object by object with the timeseries-backups bucket; the recovery stack's Cluster bootstraps from the DR copy (entasis:timeseries.restore, docs/disaster-recovery.md)",
  },
  "aws:ebs/volume:Volume": {
    by: "aws-backup-copy",
    rpo: "24 hours: the daily AWS Backup point of every volume tagged backup=true is copied to the DR vault (weekly and monthly points too, same retention)",
    what: "EBS snapshots of persistent volumes (Elasticsearch, Prometheus) in the DR vault",
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    by: "none",
    why: "Redis is a cache: trading-api rebuilds it from PostgreSQL and the exchange feeds, so a DR cluster starts empty (its snapshots stay regional)",
  },
  "aws:eks/cluster:Cluster": {
    by: "s3-replication",
    rpo: "24 hours: the daily Velero backup of Kubernetes objects is replicated with Velero's bucket; the cluster itself is rebuilt by this program in the DR region",
    what: "Velero backups (objects; volume data through the AWS Backup copies of the tagged EBS snapshots)",
  },
  "aws:secretsmanager/secret:Secret": { by: "none", why: "generated passwords are regenerated by the program in the DR region and connection details derived from it; the master password is reset on restore" },
  "aws:ecr/repository:Repository": { by: "none", why: "images are rebuilt from source by CI (or pulled from the registry the stack file names)" },
  "aws:backup/vault:Vault": { by: "aws-backup-copy", rpo: "24 hours (the daily copy)", what: "the primary vault's daily, weekly and monthly points are copied to the DR vault with the same retention; hourly points stay local" },
  "aws:kms/key:Key": { by: "none", why: "keys are regional and cannot be exported; every copy is re-encrypted with a key created in the DR region" },
  "aws:cloudwatch/logGroup:LogGroup": { by: "none", why: "logs are diagnostic and are not restored" },
  ...rebuilt("none"),
  ...Object.fromEntries(Object.entries(NOT_CREATED).map(([type, what]) => [type, { by: "none" as const, why: `the platform creates no ${what}` }])),
};
