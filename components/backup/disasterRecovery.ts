import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketLifecycleArgs } from "../storage/lifecycle";
import { EncryptionKey } from "../security/encryptionKey";
import { EncryptedStoreBase, encryptedBucket } from "../storage/encryptedBucket";
import { named } from "../tags";

/** A bucket of the stack's region to replicate, with what its DR copy needs. */
/** Days every DR object version is locked (S3 Object Lock, compliance mode). */
export const DR_OBJECT_LOCK_DAYS = 7;

export interface ReplicatedBucketArgs {
  readonly bucket: aws.s3.Bucket;
  /** Its versioning: replication can only be configured once it is enabled. */
  readonly versioning: aws.s3.BucketVersioning;
  /** Its SSE-KMS key (objects are decrypted with it for the copy). */
  readonly keyArn: pulumi.Input<string>;
  /** Lifecycle of the DR copy (delete markers are not replicated, so the copy expires on its own). */
  readonly drLifecycle: BucketLifecycleArgs;
  readonly description: string;
}

/** The store base (`region` is the stack's, the sources'; `protect` is on the DR buckets). */
export interface DisasterRecoveryArgs extends EncryptedStoreBase {
  /** The disaster-recovery region (the copies). */
  readonly drRegion: string;
  /** Explicit provider of `drRegion`; every copy is created with it. */
  readonly drProvider: pulumi.ProviderResource;
  /** The RDS primary whose automated backups (snapshots and transaction logs) are replicated. */
  readonly database: { readonly instanceArn: pulumi.Input<string>; readonly retentionDays: number };
  /** Buckets to replicate, keyed by bucket role (`market-data`, `cluster-backups`). */
  readonly buckets: Readonly<Record<string, ReplicatedBucketArgs>>;
}

/** Suffix of a DR bucket's role in its name: `<prefix>-<role>-dr-<account>-<dr region>`. */
export const DR_BUCKET_SUFFIX = "dr";

/**
 * Copies that survive the loss of the stack's region: RDS automated backups replicated to the DR
 * region (point-in-time restore there), and S3 Cross-Region Replication of the listed buckets into
 * DR buckets with their own keys, versioned, private and TLS-only. AWS Backup's own copies are the
 * BackupPolicy's (its DR vault).
 */
export class DisasterRecovery extends pulumi.ComponentResource {
  public readonly databaseKey: EncryptionKey;
  public readonly databaseReplication: aws.rds.InstanceAutomatedBackupsReplication;
  public readonly replicationRole: aws.iam.Role;
  /** DR buckets by source bucket role. */
  public readonly drBuckets: Readonly<Record<string, aws.s3.Bucket>>;
  /** The DR buckets' keys (of the DR region), by source bucket role: a failover standby reads the copies with them. */
  public readonly drKeys: Readonly<Record<string, EncryptionKey>>;

  constructor(name: string, args: DisasterRecoveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:backup:DisasterRecovery", name, {}, opts);
    const p = args.namePrefix;
    const dr = { parent: this, provider: args.drProvider };
    const keyArgs = { accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags };

    // RDS copies every snapshot and transaction log to the DR region as soon as it exists; a
    // replicated backup of an encrypted instance needs a key in the destination region.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html
    this.databaseKey = new EncryptionKey(`${name}-postgres`, { ...keyArgs, description: `${p} PostgreSQL automated backups replicated from ${args.region}`, alias: `${p}-postgres-dr` }, dr);
    this.databaseReplication = new aws.rds.InstanceAutomatedBackupsReplication(
      `${name}-postgres`,
      { sourceDbInstanceArn: args.database.instanceArn, kmsKeyId: this.databaseKey.arn, retentionPeriod: args.database.retentionDays },
      dr,
    );

    const drBuckets: Record<string, aws.s3.Bucket> = {};
    const drKeys: Record<string, EncryptionKey> = {};
    const drVersioning: Record<string, aws.s3.BucketVersioning> = {};
    for (const [role, src] of Object.entries(args.buckets)) {
      // The copy lives in the DR region, with its own key there.
      const copy = encryptedBucket(this, `${name}-${role}`, { ...args, region: args.drRegion }, {
        keyName: `${name}-${role}`,
        key: { description: `${p} ${src.description}, replicated from ${args.region}`, alias: `${p}-${role}-${DR_BUCKET_SUFFIX}` },
        role: `${role}-${DR_BUCKET_SUFFIX}`,
        purpose: `disaster-recovery copy of ${src.description}`,
        lifecycle: src.drLifecycle,
        provider: args.drProvider,
        // The last week of copies survives anyone who erases the source and the DR bucket alike.
        // Only where the stack is protected: an unprotected stack (dev with a DR region) is torn
        // down whole, and COMPLIANCE retention lets nobody, root included, delete a locked version,
        // so `forceDestroy` could not empty the copy and `pulumi destroy` would fail for a week.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
        objectLock: args.protect ? { mode: "COMPLIANCE", days: DR_OBJECT_LOCK_DAYS } : undefined,
      });
      drKeys[role] = copy.key;
      drBuckets[role] = copy.bucket;
      drVersioning[role] = copy.versioning;
    }
    this.drBuckets = drBuckets;
    this.drKeys = drKeys;

    // One role for every replication rule, limited to these buckets and keys. Actions as S3's guide
    // for SSE-KMS objects; no s3:ReplicateDelete, since delete markers are not replicated.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
    this.replicationRole = new aws.iam.Role(
      `${name}-s3-replication`,
      {
        description: `${p} S3 replication to ${args.drRegion}`,
        assumeRolePolicy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        },
        tags: named(args.tags, `${p}-s3-replication`),
      },
      { parent: this },
    );
    const roles = Object.keys(args.buckets);
    const sources = roles.map((r) => args.buckets[r].bucket.arn);
    const targets = roles.map((r) => drBuckets[r].arn);
    const policy = new aws.iam.RolePolicy(
      `${name}-s3-replication`,
      {
        role: this.replicationRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: sources },
            { Sid: "ReadSourceVersions", Effect: "Allow", Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], Resource: sources.map((a) => pulumi.interpolate`${a}/*`) },
            { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateTags"], Resource: targets.map((a) => pulumi.interpolate`${a}/*`) },
            {
              Sid: "DecryptSources",
              Effect: "Allow",
              Action: "kms:Decrypt",
              Resource: roles.map((r) => args.buckets[r].keyArn),
              Condition: { StringLike: { "kms:ViaService": `s3.${args.region}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": sources.flatMap((a) => [a, pulumi.interpolate`${a}/*`]) } },
            },
            {
              Sid: "EncryptReplicas",
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:GenerateDataKey"],
              Resource: roles.map((r) => drKeys[r].arn),
              Condition: { StringLike: { "kms:ViaService": `s3.${args.drRegion}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": targets.flatMap((a) => [a, pulumi.interpolate`${a}/*`]) } },
            },
          ],
        }),
      },
      { parent: this },
    );

    for (const role of roles) {
      const src = args.buckets[role];
      // On the source bucket, in the stack's region. Delete markers stay behind on purpose: a
      // delete in the primary (a mistake, an attacker, Velero's own expiry) must not hide the DR
      // copy; the DR bucket's lifecycle bounds what it keeps. KMS-encrypted objects replicate only
      // when selected explicitly and given the destination key.
      new aws.s3.BucketReplicationConfig(
        `${name}-${role}`,
        {
          bucket: src.bucket.id,
          role: this.replicationRole.arn,
          rules: [
            {
              id: `${role}-to-${args.drRegion}`,
              status: "Enabled",
              priority: 1,
              filter: {},
              deleteMarkerReplication: { status: "Disabled" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
              destination: { bucket: drBuckets[role].arn, storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: drKeys[role].arn } },
            },
          ],
        },
        { parent: this, dependsOn: [src.versioning, drVersioning[role], policy] },
      );
    }

    this.registerOutputs({ databaseReplicationId: this.databaseReplication.id, drBuckets: Object.fromEntries(Object.entries(drBuckets).map(([r, b]) => [r, b.bucket])) });
  }
}
