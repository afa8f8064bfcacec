import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { Rule, isSet, resourceRule, stackRule } from "./common";
import { C } from "./controls";

/** Actions whose loss would make everything a key protects unreadable (lib/breakGlass.ts KEY_PROTECTED_ACTIONS). */
const KEY_GUARDED_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey"];

interface PolicyStatement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

/** The statements of a policy document given as JSON text (or a parsed object); undefined if it is neither. */
function statementsOf(doc: unknown): PolicyStatement[] | undefined {
  let parsed: unknown = doc;
  if (typeof doc === "string") {
    try {
      parsed = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const st: unknown = Reflect.get(parsed, "Statement");
  const list: unknown[] = Array.isArray(st) ? st : st === undefined ? [] : [st];
  return list.filter((x): x is PolicyStatement => typeof x === "object" && x !== null);
}

/** Whether an action pattern (`kms:Schedule*`, `kms:*`, `*`) covers an action. */
function covers(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return re.test(action);
}

/** Condition keys a statement tests, lower-cased, across every operator. */
function conditionKeys(cond: unknown): string[] {
  if (typeof cond !== "object" || cond === null) return [];
  return Object.values(cond).flatMap((pairs: unknown) => (typeof pairs === "object" && pairs !== null ? Object.keys(pairs).map((k) => k.toLowerCase()) : []));
}

/** Service principals a statement names (`Principal: { Service: ... }`). */
const servicesOf = (p: unknown): string[] => (typeof p === "object" && p !== null ? strings(Reflect.get(p, "Service")) : []);

const isEveryone = (p: unknown): boolean => p === "*" || (typeof p === "object" && p !== null && strings(Reflect.get(p, "AWS")).includes("*"));

export const securityRules: readonly Rule[] = [
  resourceRule({
    name: "kms-key-deletion-guarded",
    control: C.KMS_3,
    severity: "high",
    description:
      "Every KMS key's policy denies kms:ScheduleKeyDeletion and kms:DisableKey to every principal but an excepted one (a Deny for Principal * with an aws:PrincipalArn condition: the break-glass role, entasis:backup.breakGlassRole), so one administrator cannot make backups and data unreadable. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
    devAdvisory: "dev has no break-glass role and destroys its keys with the stack (`pulumi destroy` schedules their deletion as the deployer); it holds no production data.",
    validateResource: validateResourceOfType(aws.kms.Key, (key, _args, report) => {
      const statements = statementsOf(key.policy);
      if (statements === undefined) {
        report("the key has no key policy (the default lets anyone with kms:* in the account delete or disable it).");
        return;
      }
      const guarded = (action: string): boolean =>
        statements.some((s) => s.Effect === "Deny" && isEveryone(s.Principal) && strings(s.Action).some((a) => covers(a, action)) && conditionKeys(s.Condition).includes("aws:principalarn"));
      const open = KEY_GUARDED_ACTIONS.filter((a) => !guarded(a));
      if (open.length > 0) report(`the key policy does not deny ${open.join(" and ")} to everyone but the break-glass role (Deny, Principal *, condition on aws:PrincipalArn).`);
    }),
  }),
  resourceRule({
    name: "iam-service-trust-source-account",
    control: C.IAM_CONFUSED_DEPUTY,
    severity: "high",
    description:
      "Every role an AWS service assumes (a trust statement with a Service principal) conditions it on aws:SourceAccount, so another account's resource cannot make the service act with this role (lib/serviceTrust.ts). https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    validateResource: validateResourceOfType(aws.iam.Role, (role, args, report) => {
      const statements = statementsOf(role.assumeRolePolicy) ?? [];
      const service = statements.filter((s) => s.Effect === "Allow" && servicesOf(s.Principal).length > 0);
      if (service.length === 0) args.notApplicable("no AWS service assumes this role");
      for (const s of service) {
        if (!conditionKeys(s.Condition).includes("aws:sourceaccount")) report(`the trust of ${servicesOf(s.Principal).join(", ")} has no aws:SourceAccount condition.`);
      }
    }),
  }),
  stackRule({
    name: "iam-no-unconditioned-write-on-star",
    control: C.IAM_LEAST_PRIVILEGE,
    severity: "high",
    description:
      "No policy of a role that pods assume (a web-identity trust: IRSA), inline or attached, allows a write action (anything but Describe*, Get*, List*, BatchGet*) on Resource * without a condition: the load balancer controller is bound to the platform's target groups and tags, Velero to its own snapshots. https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    validateStack: (args, report) => {
      const podRoles = new Set(
        args.resources
          .filter((r) => r.isType(aws.iam.Role))
          .filter((r) => (statementsOf(r.props["assumeRolePolicy"]) ?? []).some((s) => strings(s.Action).includes("sts:AssumeRoleWithWebIdentity")))
          .map((r) => r.urn),
      );
      const ofPodRole = (r: (typeof args.resources)[number]): boolean => (r.propertyDependencies["role"] ?? []).some((d) => podRoles.has(d.urn));
      const attached = new Set(args.resources.filter((r) => r.isType(aws.iam.RolePolicyAttachment) && ofPodRole(r)).flatMap((r) => (r.propertyDependencies["policyArn"] ?? []).map((d) => d.urn)));
      for (const r of args.resources) {
        const applies = (r.isType(aws.iam.RolePolicy) && ofPodRole(r)) || (r.isType(aws.iam.Policy) && attached.has(r.urn));
        if (!applies) continue;
        for (const s of statementsOf(r.props["policy"]) ?? []) {
          if (s.Effect !== "Allow" || s.Condition !== undefined || !strings(Reflect.get(s, "Resource")).includes("*")) continue;
          const writes = strings(s.Action).filter((a) => !/^[a-z0-9-]+:(Describe|Get|List|BatchGet)/i.test(a));
          if (writes.length > 0) report(`${r.name} (a pod's role) allows ${writes.join(", ")} on * without a condition.`, r.urn);
        }
      }
    },
  }),
  resourceRule({
    name: "cloudtrail-log-file-validation",
    control: C.CLOUDTRAIL_4,
    severity: "medium",
    description: "Every CloudTrail trail validates its log files (signed digests), covers every region and encrypts its log files with a KMS key (FSBP CloudTrail.2).",
    validateResource: validateResourceOfType(aws.cloudtrail.Trail, (trail, args, report) => {
      if (trail.enableLogFileValidation !== true) report("enableLogFileValidation must be true.");
      if (trail.isMultiRegionTrail !== true) report("isMultiRegionTrail must be true.");
      // Presence only: the key's ARN is unknown in a first preview.
      if (!isSet(args.props, "kmsKeyId")) report("kmsKeyId must name a KMS key (log files encrypted with SSE-KMS).");
    }),
  }),
  stackRule({
    name: "backup-vault-locked",
    control: C.BACKUP_IMMUTABLE,
    severity: "high",
    description:
      "Every AWS Backup vault has a Vault Lock in compliance mode (changeableForDays set: after that window nobody can remove it) and an access policy (the break-glass guard of lib/breakGlass.ts). https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html",
    devAdvisory: "dev destroys its vaults with the stack and keeps no production recovery points; a lock would make `pulumi destroy` fail.",
    validateStack: (args, report) => {
      const dependsOnVault = (r: (typeof args.resources)[number], vaultUrn: string): boolean => (r.propertyDependencies["backupVaultName"] ?? []).some((d) => d.urn === vaultUrn);
      for (const vault of args.resources.filter((r) => r.isType(aws.backup.Vault))) {
        const locks = args.resources.filter((r) => r.isType(aws.backup.VaultLockConfiguration) && dependsOnVault(r, vault.urn));
        if (locks.length === 0) report(`vault ${vault.name} has no Vault Lock (aws.backup.VaultLockConfiguration).`, vault.urn);
        else if (!locks.some((l) => typeof l.props["changeableForDays"] === "number")) report(`vault ${vault.name}'s lock is in governance mode (no changeableForDays): anyone with the permission can remove it.`, vault.urn);
        if (!args.resources.some((r) => r.isType(aws.backup.VaultPolicy) && dependsOnVault(r, vault.urn))) report(`vault ${vault.name} has no access policy (aws.backup.VaultPolicy) denying deletion of recovery points.`, vault.urn);
      }
    },
  }),
  stackRule({
    name: "dr-bucket-object-lock",
    control: C.BACKUP_IMMUTABLE,
    severity: "high",
    devAdvisory: "an unprotected stack's copies are emptied on destroy, which a COMPLIANCE lock would refuse for its whole retention (components/backup/disasterRecovery.ts).",
    description:
      "Every S3 bucket that receives replicated copies (a replication destination) has S3 Object Lock enabled with a default retention in compliance mode, so the copies outlive a deletion in either region. https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html",
    validateStack: (args, report) => {
      const destinations = new Set(args.resources.filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig").flatMap((r) => (r.propertyDependencies["rules"] ?? []).map((d) => d.urn)));
      for (const bucket of args.resources.filter((r) => r.isType(aws.s3.Bucket) && destinations.has(r.urn))) {
        const lock = args.resources.find((r) => r.isType(aws.s3.BucketObjectLockConfiguration) && (r.propertyDependencies["bucket"] ?? []).some((d) => d.urn === bucket.urn));
        const rule: unknown = lock?.props["rule"];
        const retention: unknown = typeof rule === "object" && rule !== null ? Reflect.get(rule, "defaultRetention") : undefined;
        const mode: unknown = typeof retention === "object" && retention !== null ? Reflect.get(retention, "mode") : undefined;
        if (!lock || lock.props["objectLockEnabled"] !== "Enabled" || mode !== "COMPLIANCE") report(`replication destination ${bucket.name} has no S3 Object Lock with a default retention in COMPLIANCE mode.`, bucket.urn);
      }
    },
  }),
];
