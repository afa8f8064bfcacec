import { z } from "zod";
import { AWS_BACKUP_CONTINUOUS_MAX_DAYS, BACKUP_TIERS, BackupTier, TIER_UNITS, WEEKDAYS, parseDailyCron, retentionDays } from "../../lib/backupSchedule";
import { DR_REGIONS } from "../../lib/awsLimits";
import type { AreaContext } from "./context";
import { ConfigProblem, issue } from "./problems";

/** IANA zone names AWS Backup (ScheduleExpressionTimezone) and Velero (CRON_TZ=) both take; Node knows the same database. */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const tierCount = (tier: BackupTier) =>
  z
    .number()
    .int()
    .refine((v) => v >= 1, { message: issue(`is below one ${tier} period: each ${tier} recovery point would expire before the next one is taken`, `keep at least 1 (${TIER_UNITS[tier].unit})`) });

export const backupSchema = z.strictObject({
  /** The spec's daily backup time, a five-field cron `M H * * *` in `timezone`. Default "0 1 * * *" (01:00). */
  schedule: z.string().refine((v) => parseDailyCron(v) !== undefined, { message: issue('is not a daily cron "M H * * *" (minute 0-59, hour 0-23)', 'use e.g. "0 1 * * *" for 01:00') }),
  /** IANA time zone of every schedule. Default Asia/Seoul. */
  timezone: z.string().refine(isTimeZone, { message: issue("is not an IANA time zone", "use e.g. Asia/Seoul or Etc/UTC") }),
  /** The spec's retention: hourly in hours, daily in days, weekly in weeks, monthly in months. Default 24 / 7 / 4 / 12. */
  retention: z.strictObject({ hourly: tierCount("hourly"), daily: tierCount("daily"), weekly: tierCount("weekly"), monthly: tierCount("monthly") }),
  /** Day of the weekly recovery point. Default SUN. */
  weeklyDay: z.enum(WEEKDAYS),
  /** Day of month of the monthly recovery point, 1..28 (every month has it). Default 1. */
  monthlyDay: z.number().int().min(1).max(28),
  /** Point-in-time restore (continuous backup) for RDS and S3, kept as long as daily points. Default true. */
  continuousBackup: z.boolean(),
  /** AWS Backup Vault Lock in governance mode (no one deletes points early without a special permission). Default off (dev) / on (prod). */
  vaultLock: z.strictObject({
    enabled: z.boolean(),
    /** Compliance mode: after this many days (3 or more) nobody can remove the lock. Unset: governance mode. Default unset (dev) / 3 (prod). */
    changeableForDays: z.number().int().min(3).max(36500).optional(),
  }),
  /**
   * Name of the IAM role (in this account, created by the organization's security team) that alone
   * may delete or shorten recovery points, remove vault locks, and delete or disable the backup
   * vaults' keys. Unset: no such guard (dev destroys its vaults). Default unset (dev) / entasis-prod-break-glass (prod).
   */
  breakGlassRole: z.string().regex(/^[\w+=,.@-]{1,64}$/, { message: issue("is not an IAM role name", "use e.g. entasis-prod-break-glass") }).optional(),
  /**
   * Manage the account-region-wide AWS Backup opt-in (RegionSettings). Only one stack per account
   * and region may own it. Default off (dev) / on (prod).
   */
  manageRegionSettings: z.boolean(),
  /**
   * Disaster-recovery region: AWS Backup copies (daily, weekly, monthly), RDS automated backup
   * replication and S3 replication land there (lib/awsLimits.ts DR_REGIONS). Required in prod;
   * dev may leave it unset and then keeps every copy in the stack's region. Default unset.
   */
  drRegion: z.string().optional(),
  /**
   * A vault in a separate backup account (ARN) that also receives the daily, weekly and monthly
   * copies, so an administrator of this account cannot reach every copy. Its prerequisites (the
   * organization's cross-account backup setting, the vault's access policy, keys shared with that
   * account) are in docs/security.md. Default unset: copies stay in this account.
   */
  backupAccountVaultArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$/, { message: issue("is not an AWS Backup vault ARN", "use arn:aws:backup:<region>:<backup account>:backup-vault:<name>") })
    .optional(),
  /** Velero cluster backups to S3. Default on. */
  velero: z.strictObject({
    enabled: z.boolean(),
    /** Also snapshot EBS persistent volumes. Default true. */
    snapshotVolumes: z.boolean(),
  }),
});
export type BackupConfig = z.infer<typeof backupSchema>;

/** Retention days per tier, as AWS Backup receives them. */
export function tierRetentionDays(cfg: Pick<BackupConfig, "retention">): Record<BackupTier, number> {
  return { hourly: retentionDays("hourly", cfg.retention.hourly), daily: retentionDays("daily", cfg.retention.daily), weekly: retentionDays("weekly", cfg.retention.weekly), monthly: retentionDays("monthly", cfg.retention.monthly) };
}

/** Cross-field checks of `entasis:backup` (run after the schema parsed). */
export function validateBackup(cfg: BackupConfig, ctx: AreaContext, areaKey = "entasis:backup"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const allowed = DR_REGIONS[ctx.region] ?? [];
  const choose = allowed.length > 0 ? `use one of ${allowed.join(", ")}` : `no DR region is listed for ${ctx.region} yet; add one to DR_REGIONS in lib/awsLimits.ts after checking the RDS pair`;
  if (cfg.drRegion === undefined) {
    if (ctx.environment === "prod" && ctx.environmentKnown !== false) {
      problems.push({ key: `${areaKey}.drRegion`, value: undefined, problem: `is required in prod (without it every backup copy lives in ${ctx.region} and a regional outage or a compromised account loses them all)`, fix: choose });
    }
  } else if (cfg.drRegion === ctx.region) {
    problems.push({ key: `${areaKey}.drRegion`, value: cfg.drRegion, problem: "is the stack's own region, so the copies would share its failures", fix: choose });
  } else if (!allowed.includes(cfg.drRegion)) {
    problems.push({
      key: `${areaKey}.drRegion`,
      value: cfg.drRegion,
      problem: `is not a region every DR copy can reach from ${ctx.region} (RDS cross-Region automated backups, AWS Backup cross-Region copy, S3 replication)`,
      fix: choose,
    });
  }
  const r = cfg.retention;
  const key = (tier: BackupTier) => `${areaKey}.retention.${tier}`;

  // AWS Backup keeps points for whole days, at least one: fewer than 24 hourly points cannot be expressed.
  if (r.hourly < 24) {
    problems.push({ key: key("hourly"), value: r.hourly, problem: "is below AWS Backup's minimum retention of 1 day (24 hours)", fix: "use 24 or a multiple of it" });
  } else if (r.hourly % 24 !== 0) {
    problems.push({ key: key("hourly"), value: r.hourly, problem: "is not a whole number of days (AWS Backup retains recovery points in days)", fix: `use ${Math.floor(r.hourly / 24) * 24} or ${Math.ceil(r.hourly / 24) * 24}` });
  }

  // A longer tier that expires before a shorter one adds nothing; almost certainly a unit mix-up.
  const days = tierRetentionDays(cfg);
  for (let i = 1; i < BACKUP_TIERS.length; i++) {
    const [shorter, longer] = [BACKUP_TIERS[i - 1], BACKUP_TIERS[i]];
    if (days[longer] < days[shorter]) {
      problems.push({
        key: key(longer),
        value: r[longer],
        problem: `keeps ${longer} points ${days[longer]} days, less than the ${days[shorter]} days of ${shorter} points (${longer} counts ${TIER_UNITS[longer].unit})`,
        fix: `keep ${longer} points at least ${days[shorter]} days`,
      });
    }
  }

  if (cfg.continuousBackup && days.daily > AWS_BACKUP_CONTINUOUS_MAX_DAYS) {
    problems.push({
      key: key("daily"),
      value: r.daily,
      problem: `exceeds the ${AWS_BACKUP_CONTINUOUS_MAX_DAYS} days continuous backup (point-in-time restore) can keep`,
      fix: `use at most ${AWS_BACKUP_CONTINUOUS_MAX_DAYS}, or set continuousBackup: false`,
    });
  }
  return problems;
}
