/**
 * Lifecycle rules of a bucket (components/data/secureBucket.ts turns them into one
 * BucketLifecycleConfiguration rule). Its own module so that the bucket helper and the components
 * that use it (ObjectStorage, the encrypted stores, DR copies) import it without a circle.
 */
export interface BucketLifecycleArgs {
  /** Current versions move to these classes at these ages (days, ascending). No default. */
  readonly transitions: readonly { readonly days: number; readonly storageClass: string }[];
  /** Days until current versions expire. Default: never. */
  readonly expirationDays?: number;
  /** Days a noncurrent version is kept. No default. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days before an incomplete multipart upload is aborted. No default. */
  readonly abortIncompleteMultipartUploadDays: number;
}
