import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrust } from "../../lib/serviceTrust";
import { AWS_BACKUP_MIN_START_WINDOW_MINUTES, BACKUP_TIERS, BackupTier, Weekday, awsBackupSchedules } from "../../lib/backupSchedule";
import { vaultAccessPolicy } from "../../lib/breakGlass";
import { EncryptionKey } from "../security/encryptionKey";
import { REGION_SETTINGS_IGNORED } from "../../lib/normalizedInputs";
import { BACKUP_TAG, Tags, named } from "../tags";

export interface BackupPolicyArgs {
  /** Prefix of AWS names and `Name` tags, e.g. `entasis-prod`. */
  readonly namePrefix: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Time of day of the daily point (and of the weekly and monthly ones), in `timezone`. */
  readonly daily: { readonly minute: number; readonly hour: number };
  /** IANA zone of the schedules (AWS Backup ScheduleExpressionTimezone). */
  readonly timezone: string;
  readonly weeklyDay: Weekday;
  readonly monthlyDay: number;
  /** Days each tier's recovery points are kept. */
  readonly retentionDays: Readonly<Record<BackupTier, number>>;
  /** Continuous backup (point-in-time restore) of the tagged S3 buckets, kept `retentionDays.daily`. */
  readonly continuousBackup: boolean;
  /** Vault Lock in governance mode, bounds taken from the rules. */
  readonly vaultLock: boolean;
  /**
   * Compliance mode: days after which the lock can no longer be removed by anyone, AWS included
   * (3 or more). Default undefined: governance mode (removable with the permission).
   */
  readonly vaultLockChangeableForDays?: number;
  /**
   * The only role that may delete or shorten recovery points, remove a vault lock, or delete or
   * disable the vaults' keys (vault access policies and key policies deny everyone else). Default
   * undefined: no such policies (dev, which destroys its vaults).
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /** Own the account-region-wide opt-in settings (only one stack per account and region may). */
  readonly manageRegionSettings: boolean;
  /** Pulumi `protect` on the vault; an unprotected vault is force-destroyed with its recovery points. */
  readonly protect: boolean;
  /**
   * Disaster-recovery region: a vault there with its own key, and copy actions on every tier but
   * hourly (same retention). Default none: every point stays in the stack's region.
   */
  readonly disasterRecovery?: { readonly region: string; readonly provider: pulumi.ProviderResource };
  /**
   * Vault in a separate backup account that also receives the copied tiers (same retention).
   * Default none. https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
   */
  readonly backupAccountVaultArn?: string;
  /**
   * Tags a resource must carry besides backup=true to be selected: the stack's own (e.g.
   * `{ Stack: "dev" }`), so stacks sharing an account never back up each other's resources.
   * Default none (every tagged resource of the account and region).
   */
  readonly scopeTags?: Tags;
  readonly tags: Tags;
}

/** Tiers copied to the disaster-recovery vault; hourly points only serve recent local mistakes. */
export const DR_COPIED_TIERS: readonly BackupTier[] = ["daily", "weekly", "monthly"];

/**
 * Key-policy statements of both vault keys for the backup role: AWS Backup re-encrypts a
 * cross-Region copy with the destination vault's key, reading the source with the source vault's
 * (S3 points) and handing the keys to RDS and EBS through grants for AWS resources.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html
 */
export function backupCopyKeyStatements(roleArn: pulumi.Input<string>): pulumi.Input<aws.iam.PolicyStatement>[] {
  return [
    { Sid: "BackupCopyUseOfTheKey", Effect: "Allow", Principal: { AWS: roleArn }, Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: "*" },
    {
      Sid: "BackupCopyGrantsForAwsResources",
      Effect: "Allow",
      Principal: { AWS: roleArn },
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}

/** Minutes a job may wait to start (AWS minimum 60) and to complete, per tier. */
const START_WINDOW_MINUTES = AWS_BACKUP_MIN_START_WINDOW_MINUTES;
const COMPLETION_WINDOW_MINUTES: Readonly<Record<BackupTier, number>> = {
  // An hourly job that runs past two hours is overtaken by the next ones anyway.
  hourly: 120,
  daily: 480,
  weekly: 480,
  monthly: 480,
};

/**
 * Resource types AWS Backup must be opted into in this region for the selection to pick them up.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/service-opt-in.html
 */
export const OPTED_IN_RESOURCE_TYPES = ["RDS", "EBS", "S3"] as const;

/** AWS managed policies of the selection's role: backups and restores, S3's are separate. https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html */
export const BACKUP_ROLE_POLICIES = [
  "service-role/AWSBackupServiceRolePolicyForBackup",
  "service-role/AWSBackupServiceRolePolicyForRestores",
  "AWSBackupServiceRolePolicyForS3Backup",
  "AWSBackupServiceRolePolicyForS3Restore",
] as const;

/**
 * The spec's backup policy in AWS Backup: a vault encrypted with our own key (locked in prod), a
 * plan with one rule per tier (hourly, daily at the spec's time, weekly, monthly), continuous
 * backup of the S3 buckets for point-in-time restore, and a selection of every resource tagged
 * `backup=true` (BACKUP_TAG).
 *
 * Overlaps: at the daily time the hourly, daily and (on their days) weekly and monthly rules are
 * all due. AWS Backup then runs one job per resource and keeps the recovery point of the rule with
 * the longest retention, so the 01:00 point of the 1st is a monthly point and the hourly series
 * has no gap. https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html
 */
export class BackupPolicy extends pulumi.ComponentResource {
  public readonly key: EncryptionKey;
  public readonly vault: aws.backup.Vault;
  public readonly vaultName: pulumi.Output<string>;
  public readonly vaultArn: pulumi.Output<string>;
  public readonly plan: aws.backup.Plan;
  public readonly continuousPlan?: aws.backup.Plan;
  /** The hourly tier's plan: the stack's RDS instances only. */
  public readonly hourlyPlan: aws.backup.Plan;
  public readonly role: aws.iam.Role;
  /** Key and vault in the disaster-recovery region, when one is configured. */
  public readonly drKey?: EncryptionKey;
  public readonly drVault?: aws.backup.Vault;

  constructor(name: string, args: BackupPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:backup:BackupPolicy", name, {}, opts);
    const p = args.namePrefix;
    const schedules = awsBackupSchedules(args.daily, args.weeklyDay, args.monthlyDay);
    const days = args.retentionDays;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `${p} AWS Backup (backups and restores)`,
        assumeRolePolicy: serviceTrust("backup.amazonaws.com", args.accountId, { ifExists: true }),
        tags: named(args.tags, `${p}-backup`),
      },
      { parent: this },
    );
    const attachments = BACKUP_ROLE_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(`${name}-${policy.replace("service-role/", "")}`, { role: this.role.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${policy}` }, { parent: this }),
    );

    const dr = args.disasterRecovery;
    // Recovery points of fully managed types (S3) are encrypted with the vault's key; the others
    // (RDS, EBS) keep the key of their source. The key policy's account statement lets the backup
    // role's AWS managed policy use it; with a DR region the role is also named for the copies.
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html
    this.key = new EncryptionKey(
      `${name}-vault`,
      { description: `${p} AWS Backup vault`, alias: `${p}-backup-vault`, accountId: args.accountId, partition: args.partition, statements: dr ? backupCopyKeyStatements(this.role.arn) : [], breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags },
      { parent: this },
    );

    // Vault names: 2..50 letters, digits, hyphens, underscores (config validation bounds namePrefix).
    this.vault = new aws.backup.Vault(
      `${name}-vault`,
      // A vault with recovery points cannot be deleted: unprotected stacks (dev, never vault-locked)
      // delete the points on destroy; protected ones keep them (and prod's Vault Lock forbids it anyway).
      // https://www.pulumi.com/registry/packages/aws/api-docs/backup/vault/#forcedestroy_nodejs
      { name: `${p}-vault`, kmsKeyArn: this.key.arn, forceDestroy: !args.protect, tags: named(args.tags, `${p}-vault`) },
      { parent: this, protect: args.protect },
    );
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;

    // The access policy denies backup:PutBackupVaultLockConfiguration to everyone but the break-glass
    // role, the deployer included: each vault's lock is put before its policy, or the two race on
    // the first deploy and the lock may be refused.
    let vaultLock: aws.backup.VaultLockConfiguration | undefined;
    if (args.vaultLock) {
      // Compliance mode with changeableForDays (governance without): the bounds are the plan's own,
      // so every rule's points are accepted (the lock rejects retention outside [min, max]).
      // https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
      const all = [...BACKUP_TIERS.map((t) => days[t])];
      vaultLock = new aws.backup.VaultLockConfiguration(
        `${name}-vault-lock`,
        { backupVaultName: this.vault.name, minRetentionDays: Math.min(...all), maxRetentionDays: Math.max(...all), changeableForDays: args.vaultLockChangeableForDays },
        { parent: this },
      );
    }
    if (args.breakGlassRoleArn !== undefined) {
      new aws.backup.VaultPolicy(
        `${name}-vault-policy`,
        { backupVaultName: this.vault.name, policy: pulumi.jsonStringify(vaultAccessPolicy(args.breakGlassRoleArn)) },
        { parent: this, dependsOn: vaultLock ? [vaultLock] : [] },
      );
    }

    if (args.manageRegionSettings) {
      new aws.backup.RegionSettings(
        `${name}-region-settings`,
        { resourceTypeOptInPreference: Object.fromEntries(OPTED_IN_RESOURCE_TYPES.map((t) => [t, true])) },
        // AWS reads the settings back with every resource type of the region, so the three set
        // here would diff on every run; listing them all fails where a type is not offered.
        // lib/normalizedInputs.ts lists this with its sources.
        { parent: this, ignoreChanges: [...REGION_SETTINGS_IGNORED] },
      );
    }

    if (dr) {
      // The DR vault and its key live in the DR region; a copy there is re-encrypted with this key.
      this.drKey = new EncryptionKey(
        `${name}-dr-vault`,
        { description: `${p} AWS Backup DR vault (copies from ${p}-vault)`, alias: `${p}-backup-vault-dr`, accountId: args.accountId, partition: args.partition, statements: backupCopyKeyStatements(this.role.arn), breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags },
        { parent: this, provider: dr.provider },
      );
      this.drVault = new aws.backup.Vault(
        `${name}-dr-vault`,
        { name: `${p}-vault-dr`, kmsKeyArn: this.drKey.arn, forceDestroy: !args.protect, tags: named(args.tags, `${p}-vault-dr`, { Purpose: `disaster-recovery copies of ${p}-vault` }) },
        { parent: this, provider: dr.provider, protect: args.protect },
      );
      let drVaultLock: aws.backup.VaultLockConfiguration | undefined;
      if (args.vaultLock) {
        // The same lock as the primary, bounded by the copied tiers' retention.
        const copied = DR_COPIED_TIERS.map((t) => days[t]);
        drVaultLock = new aws.backup.VaultLockConfiguration(
          `${name}-dr-vault-lock`,
          { backupVaultName: this.drVault.name, minRetentionDays: Math.min(...copied), maxRetentionDays: Math.max(...copied), changeableForDays: args.vaultLockChangeableForDays },
          { parent: this, provider: dr.provider },
        );
      }
      if (args.breakGlassRoleArn !== undefined) {
        new aws.backup.VaultPolicy(
          `${name}-dr-vault-policy`,
          { backupVaultName: this.drVault.name, policy: pulumi.jsonStringify(vaultAccessPolicy(args.breakGlassRoleArn)) },
          { parent: this, provider: dr.provider, dependsOn: drVaultLock ? [drVaultLock] : [] },
        );
      }
      // Copying into a vault is its own permission, and the role may use both vault keys.
      new aws.iam.RolePolicy(
        `${name}-cross-region-copy`,
        {
          role: this.role.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "CopyIntoDrVault", Effect: "Allow", Action: "backup:CopyIntoBackupVault", Resource: this.drVault.arn },
              { Sid: "VaultKeys", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: [this.key.arn, this.drKey.arn] },
              { Sid: "VaultKeyGrants", Effect: "Allow", Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource: [this.key.arn, this.drKey.arn], Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
            ],
          }),
        },
        { parent: this },
      );
    }
    const drVaultArn = this.drVault?.arn;
    // Where the copied tiers go: the DR region's vault, and a separate backup account's vault.
    const copyTargets: pulumi.Input<string>[] = [...(drVaultArn ? [drVaultArn] : []), ...(args.backupAccountVaultArn ? [args.backupAccountVaultArn] : [])];
    if (args.backupAccountVaultArn) {
      // The copy job runs as the backup role; the backup account's vault policy must admit this
      // account (backup:CopyIntoBackupVault), which that account manages (docs/security.md).
      new aws.iam.RolePolicy(
        `${name}-backup-account-copy`,
        { role: this.role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Sid: "CopyIntoBackupAccountVault", Effect: "Allow", Action: "backup:CopyIntoBackupVault", Resource: args.backupAccountVaultArn }] }) },
        { parent: this },
      );
    }

    // The hourly tier serves the relational database only (an hourly point of a checkpoint, log
    // or scratch bucket restores nothing useful and multiplies the jobs): a plan of its own whose
    // selection takes RDS instances alone. The other tiers cover every selected resource.
    const planTiers = BACKUP_TIERS.filter((t) => t !== "hourly");
    const rule = (tier: BackupTier) => ({
      ruleName: tier,
      targetVaultName: this.vault.name,
      schedule: schedules[tier],
      scheduleExpressionTimezone: args.timezone,
      startWindow: START_WINDOW_MINUTES,
      completionWindow: COMPLETION_WINDOW_MINUTES[tier],
      // No cold storage: it needs deleteAfter >= coldStorageAfter + 90 days, which only the
      // monthly tier could meet, and its 90-day minimum charge outweighs the saving for 365 days.
      lifecycle: { deleteAfter: days[tier] },
      // Copies keep the tier's retention in the DR region; hourly points stay local.
      copyActions: copyTargets.length > 0 && DR_COPIED_TIERS.includes(tier) ? copyTargets.map((destinationVaultArn) => ({ destinationVaultArn, lifecycle: { deleteAfter: days[tier] } })) : undefined,
      recoveryPointTags: { ...args.tags, Tier: tier },
    });
    // Selections are scoped by conditions, which AWS Backup ANDs (selectionTags would be ORed):
    // backup=true and the stack's own tags.
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
    const scope = [{ stringEquals: Object.entries({ ...BACKUP_TAG, ...(args.scopeTags ?? {}) }).map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) }];
    this.hourlyPlan = new aws.backup.Plan(`${name}-hourly`, { name: `${p}-hourly`, rules: [rule("hourly")], tags: named(args.tags, `${p}-hourly`) }, { parent: this });
    new aws.backup.Selection(
      `${name}-hourly-rds`,
      { name: `${p}-hourly-rds`, planId: this.hourlyPlan.id, iamRoleArn: this.role.arn, resources: [pulumi.interpolate`arn:${args.partition}:rds:*:*:db:*`], conditions: scope },
      { parent: this, dependsOn: attachments },
    );

    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        name: `${p}-backup`,
        rules: planTiers.map(rule),
        tags: named(args.tags, `${p}-backup`),
      },
      { parent: this },
    );

    // Every resource tagged backup=true, whatever its type; the tag is the contract
    // (tests/backup-coverage.test.ts proves every stateful resource carries it or is covered otherwise).
    new aws.backup.Selection(
      `${name}-tagged`,
      {
        name: `${p}-tagged`,
        planId: this.plan.id,
        iamRoleArn: this.role.arn,
        resources: ["*"],
        conditions: scope,
      },
      { parent: this, dependsOn: attachments },
    );

    if (args.continuousBackup) {
      // A rule with continuous backup makes continuous backups instead of snapshots, so it is a
      // plan of its own and the four tiers above stay snapshots. It covers the tagged S3 buckets
      // only: RDS already has point-in-time restore from its automated backups (entasis:data
      // postgres.backupRetentionDays), and AWS Backup taking those over would fight Pulumi over the
      // instance's retention. Continuous points live 1..35 days (validated).
      // https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
      this.continuousPlan = new aws.backup.Plan(
        `${name}-pitr`,
        {
          name: `${p}-pitr`,
          rules: [
            {
              ruleName: "continuous",
              targetVaultName: this.vault.name,
              schedule: schedules.daily,
              scheduleExpressionTimezone: args.timezone,
              startWindow: START_WINDOW_MINUTES,
              completionWindow: COMPLETION_WINDOW_MINUTES.daily,
              enableContinuousBackup: true,
              lifecycle: { deleteAfter: days.daily },
              recoveryPointTags: { ...args.tags, Tier: "continuous" },
            },
          ],
          tags: named(args.tags, `${p}-pitr`),
        },
        { parent: this },
      );
      // Resources and conditions are ANDed: S3 buckets that carry the backup tag.
      // https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
      new aws.backup.Selection(
        `${name}-pitr-s3`,
        {
          name: `${p}-pitr-s3`,
          planId: this.continuousPlan.id,
          iamRoleArn: this.role.arn,
          resources: [pulumi.interpolate`arn:${args.partition}:s3:::*`],
          conditions: scope,
        },
        { parent: this, dependsOn: attachments },
      );
    }

    this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.plan.id, drVaultArn: this.drVault?.arn });
  }
}
