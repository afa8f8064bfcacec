import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole, OidcIssuer } from "../cluster/irsaRole";
import { EncryptionKey } from "../security/encryptionKey";
import { EncryptedBucketArgs, EncryptedStoreBase, StoreRoleArgs, encryptedBucket, storeRole } from "./encryptedBucket";

/** The one workload identity of a store: its IRSA role and the policy it gets on the store. */
export interface StoreWriterArgs extends Omit<StoreRoleArgs, "inlinePolicies"> {
  /** Pulumi name of the role (`${name}-<writer>`). No default. */
  readonly roleName: string;
  /** Name of the inline policy. No default. */
  readonly policyName: string;
  /** The policy, given the bucket's and the key's ARNs. No default. */
  readonly policy: (bucketArn: pulumi.Output<string>, keyArn: pulumi.Output<string>) => pulumi.Input<aws.iam.PolicyDocument>;
}

/**
 * A component that owns one encrypted bucket (its own key) and the IRSA role of the one workload
 * that writes it: Velero's cluster backups, the time-series WAL archive. Each subclass keeps its own
 * type token, and the children keep their names, so URNs are those each component had on its own.
 */
export abstract class EncryptedStore extends pulumi.ComponentResource {
  public readonly key: EncryptionKey;
  public readonly bucket: aws.s3.Bucket;
  /** The bucket's versioning: a cross-region replication (components/backup/disasterRecovery.ts) waits for it. */
  public readonly bucketVersioning: aws.s3.BucketVersioning;
  public readonly bucketName: pulumi.Output<string>;
  /** The writer's IRSA role. */
  public readonly role: IrsaRole;

  protected constructor(type: string, name: string, base: EncryptedStoreBase & OidcIssuer, bucket: EncryptedBucketArgs & { readonly name: string }, writer: StoreWriterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    const store = encryptedBucket(this, bucket.name, base, bucket);
    this.key = store.key;
    this.bucket = store.bucket;
    this.bucketVersioning = store.versioning;
    this.bucketName = store.bucketName;
    this.role = storeRole(this, writer.roleName, base, {
      namespace: writer.namespace,
      serviceAccount: writer.serviceAccount,
      description: writer.description,
      inlinePolicies: { [writer.policyName]: writer.policy(this.bucket.arn, this.key.arn) },
    });
  }
}
