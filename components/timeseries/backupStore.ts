import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../cluster/irsaRole";
import { EncryptionKey } from "../security/encryptionKey";
import { EncryptedStoreBase, IrsaIssuer, encryptedBucket, storeRole } from "../storage/encryptedBucket";

export interface TimeseriesBackupStoreArgs extends EncryptedStoreBase, IrsaIssuer {
  /** Namespace of the CNPG Cluster. */
  readonly namespace: string;
  /** CNPG names the instances' service account after the Cluster; the role trusts exactly that one. */
  readonly serviceAccount: string;
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
    // Not tagged backup=true: it is the backup. Barman deletes backups and WAL past the retention
    // window itself; versioning keeps an overwritten or deleted object for a week more.
    const store = encryptedBucket(this, `${name}-${TIMESERIES_BUCKET_ROLE}`, args, {
      keyName: `${name}-bucket`,
      key: { description: `${p} time-series database backups in S3`, alias: `${p}-timeseries-backups` },
      role: TIMESERIES_BUCKET_ROLE,
      purpose: "TimescaleDB WAL archive and base backups (Barman Cloud)",
    });
    this.key = store.key;
    this.bucket = store.bucket;
    this.bucketVersioning = store.versioning;
    this.bucketName = store.bucketName;

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
    this.role = storeRole(this, `${name}-barman`, args, {
      namespace: args.namespace,
      serviceAccount: args.serviceAccount,
      description: `${p} TimescaleDB Barman Cloud backups (IRSA)`,
      inlinePolicies: { barman: policy },
    });
    this.registerOutputs({ bucketName: this.bucketName, roleArn: this.role.arn });
  }
}
