import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketName } from "../../lib/dataNames";
import { secureBucket } from "../data/secureBucket";
import { kmsEncryption } from "../storage/encryptedBucket";
import { BACKUP_TAG, Tags, named } from "../tags";
import { EncryptionKey } from "./encryptionKey";

export interface AuditTrailArgs {
  /** Prefix of names, e.g. `entasis-prod`. */
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Break-glass role ARN: only it may delete or disable this component's keys. Default none (no such deny). */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /** Buckets whose object reads and writes are recorded (S3 data events). No default. */
  readonly dataBucketArns: readonly pulumi.Input<string>[];
  /** Days log files are kept and locked (S3 Object Lock, compliance mode). */
  readonly retentionDays: number;
  /** Pulumi `protect` on the log bucket. */
  readonly protect: boolean;
  readonly tags: Tags;
}

/** The trail's name: `<prefix>-audit` (the deploy role may change only trails named so: components/deploy/deployRole.ts). */
export function auditTrailName(namePrefix: string): string {
  return `${namePrefix}-audit`;
}

/**
 * The account's own audit trail and threat detection: a multi-region CloudTrail trail recording
 * management events (IAM changes and every KMS call included) and S3 data events of the data
 * buckets, with log-file validation (signed digests), into a KMS-encrypted bucket under Object
 * Lock; and GuardDuty with EKS protection (audit logs and runtime monitoring with the managed
 * agent). https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html
 */
export class AuditTrail extends pulumi.ComponentResource {
  public readonly trail: aws.cloudtrail.Trail;
  public readonly bucket: aws.s3.Bucket;
  public readonly key: EncryptionKey;
  public readonly detector: aws.guardduty.Detector;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:AuditTrail", name, {}, opts);
    const p = args.namePrefix;
    const trailName = auditTrailName(p);
    const trailArn = pulumi.interpolate`arn:${args.partition}:cloudtrail:${args.region}:${args.accountId}:trail/${trailName}`;

    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    this.key = new EncryptionKey(
      `${name}-logs`,
      {
        description: `${p} CloudTrail log files`,
        alias: `${p}-audit-trail`,
        accountId: args.accountId,
        partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn,
        statements: [
          {
            Sid: "CloudTrailEncrypts",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "kms:GenerateDataKey*",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceArn": trailArn }, StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:${args.partition}:cloudtrail:*:${args.accountId}:trail/*` } },
          },
          { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
        ],
        tags: args.tags,
      },
      { parent: this },
    );

    const logs = secureBucket(this, `${name}-bucket`, {
      bucketName: pulumi.output(args.accountId).apply((account) => bucketName(p, "audit-trail", account, args.region)),
      // Selected into the backup plan, which copies to the DR region (policy dr-cross-region-copy).
      tags: named(args.tags, `${p}-audit-trail`, { Purpose: "CloudTrail log files", ...BACKUP_TAG }),
      encryption: kmsEncryption(this.key.arn),
      lifecycle: { transitions: [{ days: 90, storageClass: "GLACIER_IR" }], expirationDays: args.retentionDays, noncurrentVersionExpirationDays: 1, abortIncompleteMultipartUploadDays: 7 },
      protect: args.protect,
      forceDestroy: !args.protect,
      // Only where the stack is protected: a COMPLIANCE lock keeps every log file for the retention,
      // so an unprotected stack (dev with the trail on) could never empty the bucket on destroy and
      // would keep paying for it. https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
      objectLock: args.protect ? { mode: "COMPLIANCE", days: args.retentionDays } : undefined,
      allow: (arn) => [
        { Sid: "CloudTrailAclCheck", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: arn, Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
        {
          Sid: "CloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${arn}/AWSLogs/${args.accountId}/*`,
          Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
        },
      ],
    });
    this.bucket = logs.bucket;

    this.trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: trailName,
        s3BucketName: logs.bucket.bucket,
        kmsKeyId: this.key.arn,
        enableLogFileValidation: true,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        advancedEventSelectors: [
          // Management events: IAM changes, KMS calls (Decrypt, ScheduleKeyDeletion, ...), everything else.
          { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
          {
            name: "S3 data events of the data buckets",
            fieldSelectors: [
              { field: "eventCategory", equals: ["Data"] },
              { field: "resources.type", equals: ["AWS::S3::Object"] },
              { field: "resources.ARN", startsWiths: args.dataBucketArns.map((a) => pulumi.interpolate`${a}/`) },
            ],
          },
        ],
        tags: named(args.tags, trailName),
      },
      { parent: this, dependsOn: [logs.policy] },
    );

    this.detector = new aws.guardduty.Detector(`${name}-guardduty`, { enable: true, tags: named(args.tags, `${p}-guardduty`) }, { parent: this });
    new aws.guardduty.DetectorFeature(`${name}-eks-audit-logs`, { detectorId: this.detector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" }, { parent: this });
    new aws.guardduty.DetectorFeature(
      `${name}-runtime-monitoring`,
      { detectorId: this.detector.id, name: "RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }] },
      { parent: this },
    );

    this.registerOutputs({ trailArn: this.trail.arn, bucket: this.bucket.bucket, detectorId: this.detector.id });
  }
}
