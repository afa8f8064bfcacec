import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_BACKUP_MIN_START_WINDOW_MINUTES, BACKUP_TIERS, BackupTier, Weekday, awsBackupSchedules } from "../../lib/backupSchedule";
import { EncryptionKey } from "../security/encryptionKey";
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
  /** Own the account-region-wide opt-in settings (only one stack per account and region may). */
  readonly manageRegionSettings: boolean;
  /** Pulumi `protect` on the vault; an unprotected vault is force-destroyed with its recovery points. */
  readonly protect: boolean;
  readonly tags: Tags;
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
  public readonly role: aws.iam.Role;

  constructor(name: string, args: BackupPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:backup:BackupPolicy", name, {}, opts);
    const p = args.namePrefix;
    const schedules = awsBackupSchedules(args.daily, args.weeklyDay, args.monthlyDay);
    const days = args.retentionDays;

    // Recovery points of fully managed types (S3) are encrypted with the vault's key; the others
    // (RDS, EBS) keep the key of their source. The key policy's account statement lets the backup
    // role's AWS managed policy use it. https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html
    this.key = new EncryptionKey(`${name}-vault`, { description: `${p} AWS Backup vault`, alias: `${p}-backup-vault`, accountId: args.accountId, partition: args.partition, tags: args.tags }, { parent: this });

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

    if (args.vaultLock) {
      // Governance mode (no changeableForDays): nobody without backup:DeleteBackupVaultLockConfiguration
      // can delete points early or shorten retention. The bounds are the plan's own, so every rule's
      // points are accepted (the lock rejects retention outside [min, max]).
      // https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
      const all = [...BACKUP_TIERS.map((t) => days[t])];
      new aws.backup.VaultLockConfiguration(
        `${name}-vault-lock`,
        { backupVaultName: this.vault.name, minRetentionDays: Math.min(...all), maxRetentionDays: Math.max(...all) },
        { parent: this },
      );
    }

    if (args.manageRegionSettings) {
      new aws.backup.RegionSettings(
        `${name}-region-settings`,
        { resourceTypeOptInPreference: Object.fromEntries(OPTED_IN_RESOURCE_TYPES.map((t) => [t, true])) },
        { parent: this },
      );
    }

    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        name: `${p}-backup`,
        rules: BACKUP_TIERS.map((tier) => ({
          ruleName: tier,
          targetVaultName: this.vault.name,
          schedule: schedules[tier],
          scheduleExpressionTimezone: args.timezone,
          startWindow: START_WINDOW_MINUTES,
          completionWindow: COMPLETION_WINDOW_MINUTES[tier],
          // No cold storage: it needs deleteAfter >= coldStorageAfter + 90 days, which only the
          // monthly tier could meet, and its 90-day minimum charge outweighs the saving for 365 days.
          lifecycle: { deleteAfter: days[tier] },
          recoveryPointTags: { ...args.tags, Tier: tier },
        })),
        tags: named(args.tags, `${p}-backup`),
      },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `${p} AWS Backup (backups and restores)`,
        assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        tags: named(args.tags, `${p}-backup`),
      },
      { parent: this },
    );
    const attachments = BACKUP_ROLE_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(`${name}-${policy.replace("service-role/", "")}`, { role: this.role.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${policy}` }, { parent: this }),
    );

    // Every resource tagged backup=true, whatever its type; the tag is the contract
    // (tests/backup-coverage.test.ts proves every stateful resource carries it or is covered otherwise).
    new aws.backup.Selection(
      `${name}-tagged`,
      {
        name: `${p}-tagged`,
        planId: this.plan.id,
        iamRoleArn: this.role.arn,
        selectionTags: Object.entries(BACKUP_TAG).map(([key, value]) => ({ type: "STRINGEQUALS", key, value })),
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
          conditions: [{ stringEquals: Object.entries(BACKUP_TAG).map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) }],
        },
        { parent: this, dependsOn: attachments },
      );
    }

    this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.plan.id });
  }
}
