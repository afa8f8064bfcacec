import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../security/encryptionKey";
import { EncryptedStoreBase, storeBucket, storeKey } from "../storage/encryptedBucket";

/** Bucket roles; physical names are `<prefix>-<role>-<account>-<region>`. */
export const MODEL_BUCKET_ROLE = "models";
export const ARTIFACT_BUCKET_ROLE = "ml-artifacts";

export interface ModelStoreArgs extends EncryptedStoreBase {
  /** Days a replaced or deleted model version is kept (current versions never expire). */
  readonly modelVersionRetentionDays: number;
  /** Days workflow artifacts and archived logs are kept. */
  readonly artifactRetentionDays: number;
}

/**
 * Storage of the AI area: the model bucket KServe loads models from and training pipelines publish
 * to, and the artifact bucket of Argo Workflows (step artifacts, archived logs). Both SSE-KMS with
 * one customer key of this area and S3 Bucket Keys, versioned, private, TLS only, backed up.
 */
export class ModelStore extends pulumi.ComponentResource {
  public readonly key: EncryptionKey;
  public readonly models: aws.s3.Bucket;
  public readonly artifacts: aws.s3.Bucket;
  public readonly modelBucketName: pulumi.Output<string>;
  public readonly artifactBucketName: pulumi.Output<string>;

  constructor(name: string, args: ModelStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:ai:ModelStore", name, {}, opts);
    const p = args.namePrefix;
    this.key = storeKey(this, `${name}-key`, args, { description: `${p} models and ML pipeline artifacts in S3`, alias: `${p}-ml-data` });
    // One key for both buckets; both are backed up (backup=true).
    const bucket = (role: string, purpose: string, lifecycle: { expirationDays?: number; noncurrentVersionExpirationDays: number }): aws.s3.Bucket =>
      storeBucket(this, `${name}-${role}`, args, this.key, { role, purpose, lifecycle, backedUp: true }).bucket;

    this.models = bucket(MODEL_BUCKET_ROLE, "trained models served by KServe", { noncurrentVersionExpirationDays: args.modelVersionRetentionDays });
    this.artifacts = bucket(ARTIFACT_BUCKET_ROLE, "Argo Workflows artifacts and logs", { expirationDays: args.artifactRetentionDays, noncurrentVersionExpirationDays: 7 });
    this.modelBucketName = this.models.bucket;
    this.artifactBucketName = this.artifacts.bucket;
    this.registerOutputs({ modelBucketName: this.modelBucketName, artifactBucketName: this.artifactBucketName });
  }
}

/** S3 and KMS statements for an IRSA role: read (and optionally write) objects of the given buckets (ARNs). */
export function bucketAccess(bucketArns: readonly pulumi.Output<string>[], keyArn: pulumi.Input<string>, region: string, write: boolean): aws.iam.PolicyDocument {
  const objectActions = write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"] : ["s3:GetObject"];
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [...bucketArns] },
      { Sid: "Objects", Effect: "Allow", Action: objectActions, Resource: bucketArns.map((arn) => pulumi.interpolate`${arn}/*`) },
      // Only through S3: the role cannot use the key for anything else.
      // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
      {
        Sid: "KeyThroughS3",
        Effect: "Allow",
        Action: write ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
      },
    ],
  };
}
