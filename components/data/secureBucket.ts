import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketLifecycleArgs } from "../storage/lifecycle";

export interface SecureBucketArgs {
  /** Physical bucket name (global; see lib/dataNames.ts bucketName). */
  readonly bucketName: pulumi.Input<string>;
  /** Tags of the bucket, `Name` included. */
  readonly tags: Record<string, string>;
  readonly encryption: aws.types.input.s3.BucketServerSideEncryptionConfigurationRule;
  readonly lifecycle: BucketLifecycleArgs;
  /** Statements beyond the TLS-only denies. Default none. */
  readonly allow?: (arn: pulumi.Output<string>) => aws.iam.PolicyStatement[];
  /** Pulumi `protect` on the bucket. */
  readonly protect: boolean;
  /** Let `pulumi destroy` empty the bucket (every object version) before deleting it: for stacks that are not protected (dev). */
  readonly forceDestroy: boolean;
  /** Provider of another region (a disaster-recovery copy). Default: the parent's. */
  readonly provider?: pulumi.ProviderResource;
  /**
   * S3 Object Lock with a default retention: no object version can be deleted or overwritten
   * before it passes (COMPLIANCE: by nobody). S3 enables it on an existing versioned bucket in
   * place, so adding it never replaces the bucket.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
   * Default none.
   */
  readonly objectLock?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number };
}

/**
 * One S3 bucket with everything the platform requires of every bucket: versioned, owner-enforced
 * (no ACLs), every public-access block on, default encryption, lifecycle rules, TLS 1.2+ only.
 * Every child is named `name` (one per type), so URNs match the buckets built before this helper.
 */
/**
 * A bucket, its policy (things that need the policy in force, such as ALB logging, wait on it) and
 * its versioning (replication needs it enabled on both ends first).
 */
export interface SecureBucket {
  readonly bucket: aws.s3.Bucket;
  readonly policy: aws.s3.BucketPolicy;
  readonly versioning: aws.s3.BucketVersioning;
}

export function secureBucket(parent: pulumi.Resource, name: string, args: SecureBucketArgs): SecureBucket {
  const provider = args.provider;
  const bucket = new aws.s3.Bucket(
    name,
    {
      bucket: args.bucketName,
      // A versioned bucket holding data cannot be deleted; unprotected stacks (dev) empty it on
      // destroy so teardown succeeds; protected ones (prod) never: data loss stays a deliberate act.
      forceDestroy: args.forceDestroy,
      tags: args.tags,
    },
    { parent, provider, protect: args.protect },
  );
  const ownership = new aws.s3.BucketOwnershipControls(name, { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent, provider });
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    name,
    { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    { parent, provider },
  );
  const versioning = new aws.s3.BucketVersioning(name, { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, { parent, provider });
  new aws.s3.BucketServerSideEncryptionConfiguration(name, { bucket: bucket.bucket, rules: [args.encryption] }, { parent, provider });

  if (args.objectLock) {
    new aws.s3.BucketObjectLockConfiguration(
      name,
      { bucket: bucket.bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } } },
      { parent, provider, dependsOn: [versioning] },
    );
  }

  const lc = args.lifecycle;
  // Lifecycle rules on noncurrent versions need versioning in place first.
  new aws.s3.BucketLifecycleConfiguration(
    name,
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
    { parent, provider, dependsOn: [versioning] },
  );

  const objects = pulumi.interpolate`${bucket.arn}/*`;
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
  const policy: aws.iam.PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, objects], Condition: { Bool: { "aws:SecureTransport": "false" } } },
      { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, objects], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
      ...(args.allow?.(bucket.arn) ?? []),
    ],
  };
  // After the public-access block and ownership controls: S3 rejects concurrent bucket-level changes.
  const bucketPolicy = new aws.s3.BucketPolicy(name, { bucket: bucket.bucket, policy: pulumi.jsonStringify(policy) }, { parent, provider, dependsOn: [publicAccess, ownership] });
  return { bucket, policy: bucketPolicy, versioning };
}
