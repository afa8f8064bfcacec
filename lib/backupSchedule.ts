/**
 * Schedules and retention of the backup policy, as pure functions: the spec writes them as a
 * five-field cron and recovery-point counts, AWS Backup wants six-field `cron(...)` expressions and
 * days, Velero wants a five-field cron and a Go duration. Tests and config validation use these.
 */

/** The four tiers of the spec (`retention: { hourly, daily, weekly, monthly }`), shortest first. */
export const BACKUP_TIERS = ["hourly", "daily", "weekly", "monthly"] as const;
export type BackupTier = (typeof BACKUP_TIERS)[number];

/** What a tier's retention number counts, and the tier's period in hours (a month as its shortest, 28 days). */
export const TIER_UNITS: Readonly<Record<BackupTier, { readonly unit: string; readonly periodHours: number }>> = {
  hourly: { unit: "hours", periodHours: 1 },
  daily: { unit: "days", periodHours: 24 },
  weekly: { unit: "weeks", periodHours: 7 * 24 },
  monthly: { unit: "months", periodHours: 28 * 24 },
};

/**
 * AWS Backup keeps a recovery point for whole days, at least one
 * (Lifecycle.DeleteAfterDays; https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html).
 */
export const AWS_BACKUP_MIN_RETENTION_DAYS = 1;
/** Continuous backups (PITR) keep 1..35 days. https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html */
export const AWS_BACKUP_CONTINUOUS_MAX_DAYS = 35;
/** StartWindowMinutes: "If this value is included, it must be at least 60 minutes to avoid errors."
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html */
export const AWS_BACKUP_MIN_START_WINDOW_MINUTES = 60;

/**
 * Retention in days AWS Backup is given for `count` units of a tier. Hours round up to whole days
 * (24 hourly points = 1 day, exactly the spec); a month counts as 365/12 days rounded up, so 12
 * monthly points are 365 days and the oldest is still there when the twelfth is taken.
 */
export function retentionDays(tier: BackupTier, count: number): number {
  switch (tier) {
    case "hourly":
      return Math.max(AWS_BACKUP_MIN_RETENTION_DAYS, Math.ceil(count / 24));
    case "daily":
      return count;
    case "weekly":
      return count * 7;
    case "monthly":
      return Math.ceil((count * 365) / 12);
  }
}

/** A daily five-field cron, `M H * * *` (the spec's form), split into minute and hour. */
export const DAILY_CRON_RE = /^(\d{1,2}) (\d{1,2}) \* \* \*$/;

export function parseDailyCron(expr: string): { minute: number; hour: number } | undefined {
  const m = DAILY_CRON_RE.exec(expr);
  if (!m) return undefined;
  const minute = Number(m[1]);
  const hour = Number(m[2]);
  return minute <= 59 && hour <= 23 ? { minute, hour } : undefined;
}

export const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * AWS Backup's schedule per tier, all at the daily time of day. AWS cron has six fields
 * (minutes hours day-of-month month day-of-week year) and one of day-of-month/day-of-week must be
 * `?`. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions
 */
export function awsBackupSchedules(daily: { minute: number; hour: number }, weeklyDay: Weekday, monthlyDay: number): Record<BackupTier, string> {
  const { minute: m, hour: h } = daily;
  return {
    hourly: `cron(${m} * ? * * *)`,
    daily: `cron(${m} ${h} * * ? *)`,
    weekly: `cron(${m} ${h} ? * ${weeklyDay} *)`,
    monthly: `cron(${m} ${h} ${monthlyDay} * ? *)`,
  };
}

const FIELD_RULES: readonly { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[]; readonly extra: RegExp }[] = [
  { name: "minutes", min: 0, max: 59, extra: /^$/ },
  { name: "hours", min: 0, max: 23, extra: /^$/ },
  { name: "day-of-month", min: 1, max: 31, extra: /^(\?|L|LW|\d{1,2}W)$/ },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], extra: /^$/ },
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS, extra: /^(\?|[1-7]L|[1-7]#[1-5]|(SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5]|L)$/ },
  { name: "year", min: 1970, max: 2199, extra: /^$/ },
];

function valueOk(v: string, rule: (typeof FIELD_RULES)[number]): boolean {
  if (/^\d+$/.test(v)) return Number(v) >= rule.min && Number(v) <= rule.max;
  return (rule.names ?? []).includes(v);
}

function fieldOk(field: string, rule: (typeof FIELD_RULES)[number]): boolean {
  if (rule.extra.test(field)) return true;
  return field.split(",").every((part) => {
    const [range, step] = part.split("/");
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
    if (range === "*") return true;
    const bounds = range.split("-");
    if (bounds.length > 2 || !bounds.every((b) => valueOk(b, rule))) return false;
    return true;
  });
}

/**
 * Why `expr` is not an AWS `cron(...)` expression, or undefined when it is one. Covers the syntax
 * AWS documents (six fields, ranges, lists, steps, names, `?` `L` `W` `#`, and exactly one `?`
 * in day-of-month or day-of-week).
 */
export function awsCronProblem(expr: string): string | undefined {
  const m = /^cron\((.*)\)$/.exec(expr);
  if (!m) return "is not wrapped in cron(...)";
  const fields = m[1].trim().split(/\s+/);
  if (fields.length !== 6) return `has ${fields.length} fields, AWS cron needs 6 (minutes hours day-of-month month day-of-week year)`;
  for (let i = 0; i < 6; i++) {
    if (!fieldOk(fields[i], FIELD_RULES[i])) return `has an invalid ${FIELD_RULES[i].name} field "${fields[i]}"`;
  }
  if ((fields[2] === "?") === (fields[4] === "?")) return "must have ? in exactly one of day-of-month and day-of-week";
  return undefined;
}

/** Velero's `ttl`: a Go duration, here whole hours. */
export function goDurationHours(days: number): string {
  return `${days * 24}h0m0s`;
}
