import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALB_LOG_BUCKET_SSE, ALB_LOG_BUCKET_ROLE } from "../../lib/awsLimits";
import { bucketName } from "../../lib/dataNames";
import { EncryptionKey } from "../security/encryptionKey";
import { secureBucket } from "./secureBucket";
import { BACKUP_TAG, Tags, named } from "../tags";
import type { BucketLifecycleArgs } from "../storage/lifecycle";
import { kmsEncryption } from "../storage/encryptedBucket";

export interface ObjectStorageArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Break-glass role ARN: only it may delete or disable this component's keys. Default none (no such deny). */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
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
  /** Versioning by bucket role (cross-region replication waits for it). */
  public readonly bucketVersioning: Record<string, aws.s3.BucketVersioning> = {};

  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:ObjectStorage", name, {}, opts);
    const p = args.namePrefix;

    this.marketDataKey = new EncryptionKey(
      `${name}-market-data`,
      { description: `${p} market data in S3`, alias: `${p}-market-data`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags },
      { parent: this },
    );

    this.marketData = this.bucket(name, args, {
      role: "market-data",
      description: "raw market data",
      encryption: kmsEncryption(this.marketDataKey.arn),
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
    const { bucket, policy, versioning } = secureBucket(this, `${name}-${spec.role}`, {
      bucketName: pulumi.output(args.accountId).apply((account) => bucketName(p, spec.role, account, args.region)),
      tags: named(args.tags, `${p}-${spec.role}`, { Purpose: spec.description, ...BACKUP_TAG }),
      encryption: spec.encryption,
      lifecycle: spec.lifecycle,
      allow: spec.allow,
      protect: args.protect,
      forceDestroy: !args.protect,
    });
    this.bucketPolicies[spec.role] = policy;
    this.bucketVersioning[spec.role] = versioning;
    return bucket;
  }
}
