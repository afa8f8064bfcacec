import { awsBackupSchedules, awsCronProblem, goDurationHours, parseDailyCron, retentionDays } from "../lib/backupSchedule";
import { validateWith, withField } from "./support/config";

function backup(stack: "dev" | "prod", path: readonly string[], value: unknown): { ok: boolean; messages: string[] } {
  return validateWith(stack, (a) => ({ ...a, backup: withField(a.backup, path, value) }));
}

describe("entasis:backup validation", () => {
  it("accepts both stack files as they are (the spec's schedule and retention)", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects a schedule that is not a daily cron", () => {
    expect(backup("prod", ["schedule"], "0 25 * * *").messages).toEqual(['entasis:backup.schedule "0 25 * * *" is not a daily cron "M H * * *" (minute 0-59, hour 0-23); use e.g. "0 1 * * *" for 01:00']);
    expect(backup("prod", ["schedule"], "cron(0 1 * * ? *)").messages).toEqual(['entasis:backup.schedule "cron(0 1 * * ? *)" is not a daily cron "M H * * *" (minute 0-59, hour 0-23); use e.g. "0 1 * * *" for 01:00']);
    expect(backup("prod", ["schedule"], "0 1 * * 1").messages).toEqual(['entasis:backup.schedule "0 1 * * 1" is not a daily cron "M H * * *" (minute 0-59, hour 0-23); use e.g. "0 1 * * *" for 01:00']);
  });

  it("rejects a DR region with RDS automated backups off, before any resource, with every other problem", () => {
    // dev (no read replicas, whose own problem with this value is reported once instead) with a DR region.
    const r = validateWith("dev", (a) => ({ ...a, backup: withField(a.backup, ["drRegion"], "ap-northeast-1"), data: withField(a.data, ["postgres", "backupRetentionDays"], 0) }));
    expect(r.messages).toEqual(["entasis:data.postgres.backupRetentionDays 0 turns automated backups off, but entasis:backup.drRegion replicates them to ap-northeast-1; keep at least 1 day, or unset entasis:backup.drRegion"]);
    // Without a DR region the same value is not this problem.
    expect(validateWith("dev", (a) => ({ ...a, data: withField(a.data, ["postgres", "backupRetentionDays"], 0) })).messages.filter((m) => m.includes("drRegion"))).toEqual([]);
  });

  it("rejects an unknown time zone", () => {
    expect(backup("dev", ["timezone"], "Korea/Seoul").messages).toEqual(['entasis:backup.timezone "Korea/Seoul" is not an IANA time zone; use e.g. Asia/Seoul or Etc/UTC']);
  });

  it("rejects a retention below one period of its tier", () => {
    expect(backup("prod", ["retention", "weekly"], 0).messages).toEqual([
      "entasis:backup.retention.weekly 0 is below one weekly period: each weekly recovery point would expire before the next one is taken; keep at least 1 (weeks)",
    ]);
    expect(backup("prod", ["retention", "monthly"], 0).messages).toEqual([
      "entasis:backup.retention.monthly 0 is below one monthly period: each monthly recovery point would expire before the next one is taken; keep at least 1 (months)",
    ]);
  });

  it("rejects hourly retention AWS Backup cannot express (whole days, at least one)", () => {
    expect(backup("prod", ["retention", "hourly"], 12).messages).toEqual(["entasis:backup.retention.hourly 12 is below AWS Backup's minimum retention of 1 day (24 hours); use 24 or a multiple of it"]);
    expect(backup("prod", ["retention", "hourly"], 36).messages).toEqual(["entasis:backup.retention.hourly 36 is not a whole number of days (AWS Backup retains recovery points in days); use 24 or 48"]);
  });

  it("rejects a longer tier that keeps its points for less time than a shorter one (a unit mix-up)", () => {
    expect(backup("prod", ["retention", "daily"], 30).messages).toEqual([
      "entasis:backup.retention.weekly 4 keeps weekly points 28 days, less than the 30 days of daily points (weekly counts weeks); keep weekly points at least 30 days",
    ]);
  });

  it("rejects daily retention beyond what continuous backup keeps, unless continuous backup is off", () => {
    const edit = (continuous: boolean) => (a: Record<string, unknown>) => ({ ...a, backup: withField(withField(withField(a.backup, ["retention", "daily"], 40), ["retention", "weekly"], 8), ["continuousBackup"], continuous) });
    expect(validateWith("prod", edit(true)).messages).toEqual(["entasis:backup.retention.daily 40 exceeds the 35 days continuous backup (point-in-time restore) can keep; use at most 35, or set continuousBackup: false"]);
    expect(validateWith("prod", edit(false))).toEqual({ ok: true, messages: [] });
  });

  it("rejects a monthly day some months lack and an unknown weekday", () => {
    expect(backup("prod", ["monthlyDay"], 31).messages).toEqual(["entasis:backup.monthlyDay 31 is above the maximum 28; use at most 28"]);
    expect(backup("prod", ["weeklyDay"], "SUNDAY").messages).toEqual(['entasis:backup.weeklyDay "SUNDAY" is not allowed (allowed: SUN | MON | TUE | WED | THU | FRI | SAT); use one of those values']);
  });
});

describe("AWS cron syntax", () => {
  it.each([
    "cron(0 1 * * ? *)",
    "cron(0 * ? * * *)",
    "cron(0 1 ? * SUN *)",
    "cron(0 1 1 * ? *)",
    "cron(15 10 ? * 6L 2022-2023)",
    "cron(0/15 8-17 ? * MON-FRI *)",
    "cron(0 12 L * ? *)",
    "cron(0 9 ? * 2#1 *)",
  ])("accepts %s", (expr) => {
    expect(awsCronProblem(expr)).toBeUndefined();
  });

  it.each([
    ["0 1 * * *", "is not wrapped in cron(...)"],
    ["cron(0 1 * * *)", "has 5 fields, AWS cron needs 6 (minutes hours day-of-month month day-of-week year)"],
    ["cron(0 1 * * * *)", "must have ? in exactly one of day-of-month and day-of-week"],
    ["cron(0 1 ? * ? *)", "must have ? in exactly one of day-of-month and day-of-week"],
    ["cron(60 1 * * ? *)", 'has an invalid minutes field "60"'],
    ["cron(0 24 * * ? *)", 'has an invalid hours field "24"'],
    ["cron(0 1 32 * ? *)", 'has an invalid day-of-month field "32"'],
    ["cron(0 1 ? * SUNDAY *)", 'has an invalid day-of-week field "SUNDAY"'],
    ["cron(0/0 1 * * ? *)", 'has an invalid minutes field "0/0"'],
  ])("rejects %s: %s", (expr, problem) => {
    expect(awsCronProblem(expr)).toBe(problem);
  });
});

describe("schedule and retention arithmetic", () => {
  it("derives the four AWS Backup schedules from the spec's daily time", () => {
    const daily = parseDailyCron("30 2 * * *");
    expect(daily).toEqual({ minute: 30, hour: 2 });
    if (!daily) return;
    expect(awsBackupSchedules(daily, "WED", 15)).toEqual({ hourly: "cron(30 * ? * * *)", daily: "cron(30 2 * * ? *)", weekly: "cron(30 2 ? * WED *)", monthly: "cron(30 2 15 * ? *)" });
  });

  it("turns the spec's counts into days: 24 hours = 1, 7 days, 4 weeks = 28, 12 months = 365 (and 1 month outlasts the longest month)", () => {
    expect([retentionDays("hourly", 24), retentionDays("daily", 7), retentionDays("weekly", 4), retentionDays("monthly", 12)]).toEqual([1, 7, 28, 365]);
    expect(retentionDays("hourly", 48)).toBe(2);
    expect(retentionDays("monthly", 1)).toBe(31);
    expect(goDurationHours(7)).toBe("168h0m0s");
  });
});
