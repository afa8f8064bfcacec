import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketName } from "../../lib/dataNames";
import { IrsaRole } from "../cluster/irsaRole";
import { secureBucket } from "../data/secureBucket";
import { EncryptionKey } from "../security/encryptionKey";
import { Tags, named } from "../tags";

export interface TimeseriesBackupStoreArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Break-glass role ARN: only it may delete or disable this component's keys. Default none (no such deny). */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly issuerHostPath: pulumi.Input<string>;
  /** Namespace of the CNPG Cluster. */
  readonly namespace: string;
  /** CNPG names the instances' service account after the Cluster; the role trusts exactly that one. */
  readonly serviceAccount: string;
  /** Pulumi `protect` on the bucket. */
  readonly protect: boolean;
  readonly tags: Tags;
  /** Other archives the instances read, with their keys: a replica cluster's source or a recovery's (the DR copy of the primary's). Default none. */
  readonly readSources?: readonly { readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> }[];
}

/** Role of the bucket in its name (`<prefix>-timeseries-backups-<account>-<region>`). */
export const TIMESERIES_BUCKET_ROLE = "timeseries-backups";

/**
 * Where the time-series database's WAL archive and base backups go: an S3 bucket (versioned,
 * SSE-KMS with its own key and the bucket key, private, TLS 1.2+ only) and the IAM role the
 * instances' Barman Cloud sidecar assumes through IRSA (objects of this bucket and its key, nothing else).
 */
export class TimeseriesBackupStore extends pulumi.ComponentResource {
  public readonly key: EncryptionKey;
  public readonly bucket: aws.s3.Bucket;
  /** Its versioning: a cross-region replication (components/backup/disasterRecovery.ts) waits for it. */
  public readonly bucketVersioning: aws.s3.BucketVersioning;
  public readonly bucketName: pulumi.Output<string>;
  public readonly role: IrsaRole;

  constructor(name: string, args: TimeseriesBackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:TimeseriesBackupStore", name, {}, opts);
    const p = args.namePrefix;
    this.key = new EncryptionKey(`${name}-bucket`, { description: `${p} time-series database backups in S3`, alias: `${p}-timeseries-backups`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags }, { parent: this });

    // Not tagged backup=true: it is the backup. Barman deletes backups and WAL past the retention
    // window itself; versioning keeps an overwritten or deleted object for a week more.
    const secured = secureBucket(this, `${name}-${TIMESERIES_BUCKET_ROLE}`, {
      bucketName: pulumi.output(args.accountId).apply((account) => bucketName(p, TIMESERIES_BUCKET_ROLE, account, args.region)),
      tags: named(args.tags, `${p}-${TIMESERIES_BUCKET_ROLE}`, { Purpose: "TimescaleDB WAL archive and base backups (Barman Cloud)" }),
      encryption: {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
        bucketKeyEnabled: true,
        blockedEncryptionTypes: ["SSE-C"],
      },
      lifecycle: { transitions: [], noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 7 },
      protect: args.protect,
      // Dev is torn down whole (docs/deploy.md); prod keeps its backups.
      forceDestroy: !args.protect,
    });
    this.bucket = secured.bucket;
    this.bucketVersioning = secured.versioning;
    this.bucketName = this.bucket.bucket;

    // What barman-cloud-wal-archive / -backup / -backup-delete / -restore call on S3.
    // https://cloudnative-pg.io/plugin-barman-cloud/docs/object_stores/#aws-s3
    const sources = args.readSources ?? [];
    const policy = pulumi.all([this.bucket.arn, this.key.arn, pulumi.all(sources.map((r) => r.bucketArn)), pulumi.all(sources.map((r) => r.keyArn))]).apply(
      ([bucketArn, keyArn, sourceBuckets, sourceKeys]): aws.iam.PolicyDocument => ({
        Version: "2012-10-17",
        Statement: [
          { Sid: "BackupObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"], Resource: `${bucketArn}/*` },
          { Sid: "BackupBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArn },
          { Sid: "BucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArn },
          // A replica or recovering cluster restores from and replays the source's archive
          // (barman-cloud-restore / -wal-restore): read only.
          ...(sourceBuckets.length > 0
            ? [
                { Sid: "SourceObjects", Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: sourceBuckets.map((b) => `${b}/*`) },
                { Sid: "SourceBuckets", Effect: "Allow" as const, Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: sourceBuckets },
                { Sid: "SourceKeys", Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: sourceKeys },
              ]
            : []),
        ],
      }),
    );
    this.role = new IrsaRole(
      `${name}-barman`,
      {
        namePrefix: p,
        oidcProviderArn: args.oidcProviderArn,
        issuerHostPath: args.issuerHostPath,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        description: `${p} TimescaleDB Barman Cloud backups (IRSA)`,
        inlinePolicies: { barman: policy },
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ bucketName: this.bucketName, roleArn: this.role.arn });
  }
}
