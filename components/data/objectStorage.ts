import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALB_LOG_BUCKET_SSE, ALB_LOG_BUCKET_ROLE } from "../../lib/awsLimits";
import { bucketName } from "../../lib/dataNames";
import { EncryptionKey } from "../security/encryptionKey";
import { BACKUP_TAG, Tags, named } from "../tags";

export interface BucketLifecycleArgs {
  /** Current versions move to these classes at these ages (days, ascending). */
  readonly transitions: readonly { readonly days: number; readonly storageClass: string }[];
  /** Default: current versions never expire. */
  readonly expirationDays?: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly abortIncompleteMultipartUploadDays: number;
}

export interface ObjectStorageArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly marketData: { readonly lifecycle: BucketLifecycleArgs };
  readonly accessLogs: { readonly prefix: string; readonly lifecycle: BucketLifecycleArgs };
  /** ARN of the Elastic Load Balancing account of this region (`aws.elb.getServiceAccount`), the writer of ALB access logs. */
  readonly elbLogDeliveryArn: pulumi.Input<string>;
  /** Pulumi `protect` on the buckets. */
  readonly protect: boolean;
  readonly tags: Tags;
}

interface BucketSpec {
  readonly role: string;
  readonly description: string;
  readonly encryption: aws.types.input.s3.BucketServerSideEncryptionConfigurationRule;
  readonly lifecycle: BucketLifecycleArgs;
  /** Statements beyond the TLS-only denies. */
  readonly allow: (arn: pulumi.Output<string>) => aws.iam.PolicyStatement[];
}

/**
 * S3 buckets: raw market data (SSE-KMS with our key and S3 Bucket Keys) and load-balancer access
 * logs (SSE-S3, the only encryption ALB log delivery writes to). Both versioned, owner-enforced
 * (no ACLs), with every public-access block on, TLS 1.2+ only, and lifecycle rules from config.
 */
export class ObjectStorage extends pulumi.ComponentResource {
  public readonly marketData: aws.s3.Bucket;
  public readonly accessLogs: aws.s3.Bucket;
  public readonly marketDataKey: EncryptionKey;
  /** Bucket names (what the ALB's access_logs.s3.bucket and IAM policies take). */
  public readonly marketDataBucketName: pulumi.Output<string>;
  public readonly accessLogsBucketName: pulumi.Output<string>;
  /** Bucket policies by bucket role; the ALB must wait for the access-log bucket's (ELB checks it on enabling logs). */
  public readonly bucketPolicies: Record<string, aws.s3.BucketPolicy> = {};

  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:ObjectStorage", name, {}, opts);
    const p = args.namePrefix;

    this.marketDataKey = new EncryptionKey(
      `${name}-market-data`,
      { description: `${p} market data in S3`, alias: `${p}-market-data`, accountId: args.accountId, partition: args.partition, tags: args.tags },
      { parent: this },
    );

    this.marketData = this.bucket(name, args, {
      role: "market-data",
      description: "raw market data",
      encryption: {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.marketDataKey.arn },
        // One data key per bucket instead of a KMS call per object: fewer requests, lower cost.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
        bucketKeyEnabled: true,
        blockedEncryptionTypes: ["SSE-C"],
      },
      lifecycle: args.marketData.lifecycle,
      allow: () => [],
    });

    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    // ap-northeast-2 predates August 2022, so delivery is by the regional ELB account, not the
    // logdelivery.elasticloadbalancing.amazonaws.com service principal.
    this.accessLogs = this.bucket(name, args, {
      role: ALB_LOG_BUCKET_ROLE,
      description: "load-balancer access logs",
      encryption: { applyServerSideEncryptionByDefault: { sseAlgorithm: ALB_LOG_BUCKET_SSE }, blockedEncryptionTypes: ["SSE-C"] },
      lifecycle: args.accessLogs.lifecycle,
      allow: (arn) => [
        {
          Sid: "AlbLogDelivery",
          Effect: "Allow",
          Principal: { AWS: args.elbLogDeliveryArn },
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${arn}/${args.accessLogs.prefix}/AWSLogs/${args.accountId}/*`,
        },
      ],
    });

    this.marketDataBucketName = this.marketData.bucket;
    this.accessLogsBucketName = this.accessLogs.bucket;
    this.registerOutputs({ marketDataBucketName: this.marketDataBucketName, accessLogsBucketName: this.accessLogsBucketName });
  }

  private bucket(name: string, args: ObjectStorageArgs, spec: BucketSpec): aws.s3.Bucket {
    const p = args.namePrefix;
    const n = `${name}-${spec.role}`;
    const bucket = new aws.s3.Bucket(
      n,
      {
        bucket: pulumi.output(args.accountId).apply((account) => bucketName(p, spec.role, account, args.region)),
        // Never empty a bucket to delete it: data loss must be a deliberate, separate act.
        forceDestroy: false,
        tags: named(args.tags, `${p}-${spec.role}`, { Purpose: spec.description, ...BACKUP_TAG }),
      },
      { parent: this, protect: args.protect },
    );
    const ownership = new aws.s3.BucketOwnershipControls(n, { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      n,
      { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(n, { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, { parent: this });
    new aws.s3.BucketServerSideEncryptionConfiguration(n, { bucket: bucket.bucket, rules: [spec.encryption] }, { parent: this });

    const lc = spec.lifecycle;
    // Lifecycle rules on noncurrent versions need versioning in place first.
    new aws.s3.BucketLifecycleConfiguration(
      n,
      {
        bucket: bucket.bucket,
        rules: [
          {
            id: "tiering-and-expiry",
            status: "Enabled",
            filter: {},
            transitions: lc.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })),
            expiration: lc.expirationDays !== undefined ? { days: lc.expirationDays } : undefined,
            noncurrentVersionExpiration: { noncurrentDays: lc.noncurrentVersionExpirationDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: lc.abortIncompleteMultipartUploadDays },
          },
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );

    const objects = pulumi.interpolate`${bucket.arn}/*`;
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
    const policy: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, objects], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, objects], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ...spec.allow(bucket.arn),
      ],
    };
    // After the public-access block and ownership controls: S3 rejects concurrent bucket-level changes.
    this.bucketPolicies[spec.role] = new aws.s3.BucketPolicy(n, { bucket: bucket.bucket, policy: pulumi.jsonStringify(policy) }, { parent: this, dependsOn: [publicAccess, ownership] });
    return bucket;
  }
}
