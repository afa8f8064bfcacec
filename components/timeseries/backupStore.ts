import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OidcIssuer } from "../cluster/irsaRole";
import { EncryptedStoreBase } from "../storage/encryptedBucket";
import { EncryptedStore } from "../storage/encryptedStore";

export interface TimeseriesBackupStoreArgs extends EncryptedStoreBase, OidcIssuer {
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
export class TimeseriesBackupStore extends EncryptedStore {
  constructor(name: string, args: TimeseriesBackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    const p = args.namePrefix;
    // Not tagged backup=true: it is the backup. Barman deletes backups and WAL past the retention
    // window itself; versioning keeps an overwritten or deleted object for a week more.
    super(
      "entasis:timeseries:TimeseriesBackupStore",
      name,
      args,
      {
        name: `${name}-${TIMESERIES_BUCKET_ROLE}`,
        keyName: `${name}-bucket`,
        key: { description: `${p} time-series database backups in S3`, alias: `${p}-timeseries-backups` },
        role: TIMESERIES_BUCKET_ROLE,
        purpose: "TimescaleDB WAL archive and base backups (Barman Cloud)",
      },
      {
        roleName: `${name}-barman`,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        description: `${p} TimescaleDB Barman Cloud backups (IRSA)`,
        policyName: "barman",
        policy: (bucketArn, keyArn) => barmanPolicy(args.readSources, bucketArn, keyArn),
      },
      opts,
    );
    this.registerOutputs({ bucketName: this.bucketName, roleArn: this.role.arn });
  }
}

/** The Barman Cloud sidecar's policy: its own archive read and written, the sources' read. */
function barmanPolicy(readSources: TimeseriesBackupStoreArgs["readSources"], bucketArn: pulumi.Output<string>, keyArn: pulumi.Output<string>): pulumi.Output<aws.iam.PolicyDocument> {
  // What barman-cloud-wal-archive / -backup / -backup-delete / -restore call on S3.
  // https://cloudnative-pg.io/plugin-barman-cloud/docs/object_stores/#aws-s3
  const sources = readSources ?? [];
  return pulumi.all([bucketArn, keyArn, pulumi.all(sources.map((r) => r.bucketArn)), pulumi.all(sources.map((r) => r.keyArn))]).apply(
    ([bucket, key, sourceBuckets, sourceKeys]): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        { Sid: "BackupObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"], Resource: `${bucket}/*` },
        { Sid: "BackupBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucket },
        { Sid: "BucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key },
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
}
