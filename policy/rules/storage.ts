import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { ResourceRule, checkOf, customerKeyProblem, isSet, resourceRule, typeRule } from "./common";
import { C } from "./controls";
import { ALB_LOG_BUCKET_ROLE, ALB_LOG_BUCKET_SSE } from "../../lib/awsLimits";
import { RETENTION_SCHEMA, minRetention, retentionProblem } from "./data";

const KMS_SSE = new Set(["aws:kms", "aws:kms:dsse"]);
const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);

/** A statement of an S3 bucket policy, as the policy document JSON writes it. */
interface Statement {
  readonly Effect?: unknown;
  readonly Condition?: unknown;
}

function statementsOf(policy: string | object): readonly Statement[] {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  if (typeof doc !== "object" || doc === null || !("Statement" in doc)) return [];
  const st = doc.Statement;
  const list: unknown[] = Array.isArray(st) ? st : [st];
  return list.filter((s): s is Statement => typeof s === "object" && s !== null);
}

/** `Deny ... Condition: { Bool: { "aws:SecureTransport": "false" } }`, the AWS-documented TLS-only statement. */
export function deniesInsecureTransport(policy: string | object): boolean {
  return statementsOf(policy).some((s) => {
    if (s.Effect !== "Deny" || typeof s.Condition !== "object" || s.Condition === null || !("Bool" in s.Condition)) return false;
    const bool = s.Condition.Bool;
    if (typeof bool !== "object" || bool === null || !("aws:SecureTransport" in bool)) return false;
    const v = bool["aws:SecureTransport"];
    return v === false || v === "false" || (Array.isArray(v) && v.length === 1 && (v[0] === "false" || v[0] === false));
  });
}

export const storageRules: readonly ResourceRule[] = [
  resourceRule({
    name: "s3-sse-kms",
    control: C.S3_17,
    severity: "high",
    description:
      "S3 default encryption uses a KMS key (aws:kms or aws:kms:dsse) with an explicit key and the S3 Bucket Key on; the one exception is the platform's ALB access-log bucket (Pulumi name ending `-access-logs`), which must use SSE-S3 because ALB log delivery supports nothing else (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).",
    validateResource: validateResourceOfType(aws.s3.BucketServerSideEncryptionConfiguration, (sse, args, report) => {
      if (sse.rules.length === 0) report("declare one rule with applyServerSideEncryptionByDefault.");
      // Keyed on the Pulumi name, which is known even in a first preview (the bucket name is not).
      if (args.name.endsWith(`-${ALB_LOG_BUCKET_ROLE}`)) {
        for (const r of sse.rules) {
          const alg = r.applyServerSideEncryptionByDefault?.sseAlgorithm;
          if (alg !== ALB_LOG_BUCKET_SSE) report(`sseAlgorithm is ${alg ?? "unset"}; the ALB access-log bucket must use ${ALB_LOG_BUCKET_SSE} (ALB cannot write to KMS-encrypted buckets).`);
        }
        return;
      }
      for (const r of sse.rules) {
        const def = r.applyServerSideEncryptionByDefault;
        if (!def || !KMS_SSE.has(def.sseAlgorithm)) report(`sseAlgorithm is ${def ? def.sseAlgorithm : "unset"}; use aws:kms with the platform's customer-managed key.`);
        else if (!isSet(def, "kmsMasterKeyId")) report("kmsMasterKeyId must name the customer-managed key (the aws/s3 managed key cannot be shared or audited per bucket).");
        if (r.bucketKeyEnabled !== true) report("bucketKeyEnabled must be true (cuts KMS requests, and cost, by orders of magnitude).");
      }
    }),
  }),
  typeRule({
    name: "s3-public-access-block",
    control: C.S3_8,
    severity: "critical",
    description: "S3 public access blocks turn on all four settings.",
    type: aws.s3.BucketPublicAccessBlock,
    check: (pab) => {
      const off = (["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const).filter((k) => pab[k] !== true);
      return [off.length > 0 && `${off.join(", ")} must be true.`];
    },
  }),
  typeRule({
    name: "s3-tls-only-policy",
    control: C.S3_5,
    severity: "high",
    description: 'S3 bucket policies deny every request made without TLS (Effect Deny, Condition Bool aws:SecureTransport "false").',
    type: aws.s3.BucketPolicy,
    check: (bp) => [!deniesInsecureTransport(bp.policy) && 'the policy must contain a Deny statement on Condition { Bool: { "aws:SecureTransport": "false" } }.'],
  }),
  typeRule({
    name: "s3-versioning-enabled",
    control: C.S3_14,
    severity: "medium",
    description: "S3 versioning resources set status Enabled (Suspended keeps old versions but stops protecting new writes).",
    type: aws.s3.BucketVersioning,
    check: (v) => [v.versioningConfiguration.status !== "Enabled" && `versioningConfiguration.status is ${v.versioningConfiguration.status}; it must be Enabled.`],
  }),
  resourceRule({
    name: "s3-no-public-acl",
    control: C.S3_2,
    severity: "critical",
    description: "No bucket or bucket ACL grants a canned public ACL (public-read, public-read-write, authenticated-read).",
    validateResource: [
      checkOf(aws.s3.BucketAcl, (acl) => [acl.acl !== undefined && PUBLIC_ACLS.has(acl.acl) && `acl ${acl.acl} makes the bucket public.`]),
      checkOf(aws.s3.Bucket, (b) => [b.acl !== undefined && PUBLIC_ACLS.has(b.acl) && `acl ${b.acl} makes the bucket public.`]),
    ],
  }),
  resourceRule({
    name: "ebs-encrypted",
    control: C.EC2_3,
    severity: "high",
    description:
      "Every EBS volume is encrypted: EBS volumes, instance root and data volumes, and every EBS mapping of a launch template (a launch template must declare its root volume, or the AMI's unencrypted default applies).",
    validateResource: [
      checkOf(aws.ebs.Volume, (vol) => [vol.encrypted !== true && "encrypted must be true."]),
      checkOf(aws.ec2.Instance, (inst) => [
        inst.rootBlockDevice?.encrypted !== true && "rootBlockDevice.encrypted must be true.",
        ...(inst.ebsBlockDevices ?? []).map((d) => d.encrypted !== true && `ebsBlockDevices[${d.deviceName}].encrypted must be true.`),
      ]),
      checkOf(aws.ec2.LaunchTemplate, (lt) => {
        const ebs = (lt.blockDeviceMappings ?? []).filter((m) => m.ebs !== undefined);
        return [
          ebs.length === 0 && 'declare the root volume in blockDeviceMappings with ebs.encrypted "true".',
          ...ebs.map((m) => m.ebs?.encrypted !== "true" && `blockDeviceMappings[${m.deviceName ?? "?"}].ebs.encrypted must be "true".`),
        ];
      }),
    ],
  }),
  typeRule({
    name: "kms-key-rotation",
    control: C.KMS_4,
    severity: "medium",
    description: "Symmetric customer-managed KMS keys set enableKeyRotation: true (asymmetric and HMAC keys cannot rotate and are exempt).",
    type: aws.kms.Key,
    check: (key, args) => {
      const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
      if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable(`${spec} keys do not support automatic rotation`);
      return [key.enableKeyRotation !== true && "enableKeyRotation must be true."];
    },
  }),
  typeRule({
    name: "backup-vault-cmk",
    control: C.BACKUP_1,
    severity: "high",
    description: "AWS Backup vaults encrypt recovery points with a customer-managed KMS key (kmsKeyArn), so restores are governed by the key policy.",
    type: aws.backup.Vault,
    check: (vault) => [customerKeyProblem(vault, "kmsKeyArn")],
  }),
  typeRule({
    name: "log-group-kms",
    control: C.LOG_GROUP_KMS,
    severity: "medium",
    description: "CloudWatch log groups are encrypted with a customer-managed KMS key (kmsKeyId); flow logs and control-plane logs carry addresses and identities.",
    type: aws.cloudwatch.LogGroup,
    check: (lg) => [customerKeyProblem(lg, "kmsKeyId")],
  }),
  typeRule({
    name: "log-group-retention",
    control: C.CLOUDWATCH_16,
    severity: "low",
    configSchema: RETENTION_SCHEMA,
    description:
      "CloudWatch log groups keep events for at least minRetentionDays (default 365, the control's default; dev's policy config lowers it to 30). Unset retention means never expire, which passes.",
    type: aws.cloudwatch.LogGroup,
    // Unset or 0 retention means never expire.
    check: (lg, args) => [!!lg.retentionInDays && retentionProblem("retentionInDays", lg.retentionInDays, minRetention(args, 365), "days")],
  }),
];
