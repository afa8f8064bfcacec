/**
 * Working hours of a sleeping stack (`entasis:sleep`): pure arithmetic shared by the schedule
 * component (its cron expressions) and the plan (awake hours per month, priced).
 */
export const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM`, 24-hour clock. */
export const CLOCK_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface SleepWindow {
  /** IANA time zone the times are in (EventBridge Scheduler's ScheduleExpressionTimezone). */
  readonly timezone: string;
  /** When the stack wakes (node pools back to their sizes, database started), `HH:MM`. */
  readonly wake: string;
  /** When it sleeps (node pools to zero, database stopped), `HH:MM`, later than `wake` the same day. */
  readonly sleep: string;
  /** Days it wakes on; it sleeps the same days, and stays asleep on the others. */
  readonly days: readonly Weekday[];
}

/** Minutes after midnight of an `HH:MM` time; undefined when it is not one. */
export function minutesOf(clock: string): number | undefined {
  const m = CLOCK_RE.exec(clock);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * EventBridge Scheduler cron at a time on some days: `cron(minutes hours day-of-month month
 * day-of-week year)`, `?` in day-of-month when day-of-week is given.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export function cronAt(clock: string, days: readonly Weekday[]): string {
  const [h, m] = clock.split(":").map(Number);
  const ordered = WEEKDAYS.filter((d) => days.includes(d));
  return `cron(${m} ${h} ? * ${ordered.join(",")} *)`;
}

/** Parses what cronAt writes: the time and the days; undefined for any other expression. */
export function parseCron(expression: string): { readonly minutes: number; readonly days: Weekday[] } | undefined {
  const m = /^cron\((\d{1,2}) (\d{1,2}) \? \* ([A-Z,]+) \*\)$/.exec(expression);
  if (!m) return undefined;
  const days = m[3].split(",").filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d));
  if (days.length !== m[3].split(",").length) return undefined;
  return { minutes: Number(m[2]) * 60 + Number(m[1]), days };
}

/** Hours per week awake: (sleep - wake) on each listed day. */
export function awakeHoursPerWeek(window: Pick<SleepWindow, "wake" | "sleep" | "days">): number {
  const wake = minutesOf(window.wake) ?? 0;
  const sleep = minutesOf(window.sleep) ?? 0;
  return (new Set(window.days).size * Math.max(0, sleep - wake)) / 60;
}

/** Longest stretch asleep, in hours (RDS starts a stopped instance by itself after 7 days). */
export function longestSleepHours(window: Pick<SleepWindow, "wake" | "sleep" | "days">): number {
  const wake = minutesOf(window.wake) ?? 0;
  const sleep = minutesOf(window.sleep) ?? 0;
  const idx = WEEKDAYS.map((d, i) => (window.days.includes(d) ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0) return 7 * 24;
  let longest = 0;
  idx.forEach((day, k) => {
    const next = idx[(k + 1) % idx.length] + (k + 1 === idx.length ? 7 : 0);
    longest = Math.max(longest, ((next - day) * 24 * 60 + wake - sleep) / 60);
  });
  return longest;
}
