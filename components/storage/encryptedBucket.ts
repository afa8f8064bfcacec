import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketName } from "../../lib/dataNames";
import { ServiceAccountRoleArgs, serviceAccountRole } from "../cluster/irsaRole";
import { SecureBucket, SecureBucketArgs, secureBucket } from "../data/secureBucket";
import { EncryptionKey } from "../security/encryptionKey";
import { BACKUP_TAG, Tags, named } from "../tags";
import { BucketLifecycleArgs } from "./lifecycle";
import { GuardedAwsScope } from "../scope";

/** The account and region an area builds in (one declaration: components/scope.ts). */
export type AccountScope = GuardedAwsScope;

/**
 * What every area that keeps data in its own KMS-encrypted bucket is given by the platform: the
 * shared base of ClusterBackupArgs, TimeseriesBackupStoreArgs, ModelStoreArgs and the processing
 * engines' Args (one concept, one declaration).
 */
export interface EncryptedStoreBase extends AccountScope {
  /** Pulumi `protect` on the buckets (unprotected stacks, dev, also empty them on destroy). No default. */
  readonly protect: boolean;
  /** Base tags of every AWS resource. No default. */
  readonly tags: Tags;
}

export interface StoreKeyArgs {
  /** What the key protects; shown in the KMS console. No default. */
  readonly description: string;
  /** Alias without `alias/`, e.g. `entasis-dev-flink-state`. No default. */
  readonly alias: string;
  /** Provider of another region (a disaster-recovery copy). Default: the parent's. */
  readonly provider?: pulumi.ProviderResource;
}

export interface StoreBucketArgs {
  /** Role of the bucket in its physical name `<prefix>-<role>-<account>-<region>` and its `Name` tag. No default. */
  readonly role: string;
  /** The `Purpose` tag. No default. */
  readonly purpose: string;
  /** Lifecycle; unset fields: no transitions, current versions never expire, noncurrent versions and incomplete uploads after 7 days. */
  readonly lifecycle?: Partial<BucketLifecycleArgs>;
  /** Tag the bucket backup=true for AWS Backup. Default false (a bucket that is itself a backup). */
  readonly backedUp?: boolean;
  /** Provider of another region (a disaster-recovery copy; its region must be `base.region`). Default: the parent's. */
  readonly provider?: pulumi.ProviderResource;
  /** S3 Object Lock default retention (see SecureBucketArgs.objectLock). Default none. */
  readonly objectLock?: SecureBucketArgs["objectLock"];
}

/** The role of a store's workload (components/cluster/irsaRole.ts ServiceAccountRoleArgs). */
export type StoreRoleArgs = ServiceAccountRoleArgs;

/** Days after which noncurrent versions and incomplete multipart uploads go, unless a store says otherwise. */
export const STORE_CLEANUP_DAYS = 7;

/**
 * The customer-managed key of an area's store (components/security/encryptionKey.ts), as a child
 * of `parent` named `name`: the same URN as the keys each area built itself before this helper.
 */
export function storeKey(parent: pulumi.Resource, name: string, base: EncryptedStoreBase, key: StoreKeyArgs): EncryptionKey {
  return new EncryptionKey(
    name,
    { description: key.description, alias: key.alias, accountId: base.accountId, partition: base.partition, breakGlassRoleArn: base.breakGlassRoleArn, tags: base.tags },
    { parent, provider: key.provider },
  );
}

/** Default encryption with the store's key: SSE-KMS, S3 Bucket Keys, SSE-C refused. */
export function kmsEncryption(keyArn: pulumi.Input<string>): aws.types.input.s3.BucketServerSideEncryptionConfigurationRule {
  return {
    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
    // One data key per bucket instead of a KMS call per object: fewer requests, lower cost.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
    bucketKeyEnabled: true,
    blockedEncryptionTypes: ["SSE-C"],
  };
}

/**
 * One secure bucket (components/data/secureBucket.ts) encrypted with `key`: physical name from the
 * role, tags, lifecycle with the platform's clean-up defaults, protected as the stack says and
 * emptied on destroy only where it is not protected (dev is torn down whole; prod keeps its data).
 */
export function storeBucket(parent: pulumi.Resource, name: string, base: EncryptedStoreBase, key: EncryptionKey, bucket: StoreBucketArgs): SecureBucket {
  const p = base.namePrefix;
  const lc = bucket.lifecycle ?? {};
  return secureBucket(parent, name, {
    bucketName: pulumi.output(base.accountId).apply((account) => bucketName(p, bucket.role, account, base.region)),
    tags: named(base.tags, `${p}-${bucket.role}`, bucket.backedUp ? { Purpose: bucket.purpose, ...BACKUP_TAG } : { Purpose: bucket.purpose }),
    encryption: kmsEncryption(key.arn),
    lifecycle: {
      transitions: lc.transitions ?? [],
      expirationDays: lc.expirationDays,
      noncurrentVersionExpirationDays: lc.noncurrentVersionExpirationDays ?? STORE_CLEANUP_DAYS,
      abortIncompleteMultipartUploadDays: lc.abortIncompleteMultipartUploadDays ?? STORE_CLEANUP_DAYS,
    },
    protect: base.protect,
    forceDestroy: !base.protect,
    provider: bucket.provider,
    objectLock: bucket.objectLock,
  });
}

/** An IRSA role of the store's area, child of `parent` named `name` (components/cluster/irsaRole.ts serviceAccountRole). */
export const storeRole = serviceAccountRole;

export interface EncryptedBucketArgs extends StoreBucketArgs {
  /** Pulumi name of the key component. No default. */
  readonly keyName: string;
  /** The key's description and alias (its provider is the bucket's). No default. */
  readonly key: Omit<StoreKeyArgs, "provider">;
}

/** A bucket with its own key, and what the rest of the area reads of them. */
export interface EncryptedBucket extends SecureBucket {
  readonly key: EncryptionKey;
  /** Physical bucket name. */
  readonly bucketName: pulumi.Output<string>;
}

/**
 * The "customer key + secure bucket" shape of Velero's backups, the time-series archive, Spark's
 * event logs, Flink's state, load-test summaries and the DR copies: one key of the store, one bucket encrypted with it. Every resource
 * is a child of `parent` with the name it had before this helper, so no URN moves (a wrapping
 * ComponentResource would move every child's URN and need an alias on each:
 * https://www.pulumi.com/docs/iac/operations/stack-management/refactoring-with-aliases/).
 */
export function encryptedBucket(parent: pulumi.Resource, name: string, base: EncryptedStoreBase, args: EncryptedBucketArgs): EncryptedBucket {
  const key = storeKey(parent, args.keyName, base, { ...args.key, provider: args.provider });
  const secured = storeBucket(parent, name, base, key, args);
  return { ...secured, key, bucketName: secured.bucket.bucket };
}
