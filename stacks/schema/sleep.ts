import { z } from "zod";
import { parseDailyCron } from "../../lib/backupSchedule";
import { CLOCK_RE, WEEKDAYS, minutesOf } from "../../lib/sleepWindow";
import { ConfigProblem, issue } from "./problems";
import type { Mode } from "./modes";

/** Whether the runtime knows an IANA time zone (EventBridge Scheduler takes the same names). */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
}

const clock = z.string().regex(CLOCK_RE, { message: issue("is not a time of day", 'use "HH:MM" on a 24-hour clock, e.g. "08:00"') });

/**
 * `entasis:sleep` (optional, mode `single` only): working hours outside which the stack sleeps.
 * Its node pools scale to zero and its PostgreSQL instance stops; both wake at `wake`. Managed by
 * EventBridge Scheduler (components/schedule/sleepSchedule.ts); docs/modes.md.
 */
export const sleepSchema = z
  .strictObject({
    /** IANA time zone of `wake` and `sleep`, e.g. Asia/Seoul. No default. */
    timezone: z.string().refine(isTimeZone, { message: issue("is not an IANA time zone", "use a region/city name, e.g. Asia/Seoul") }),
    /** Time the stack wakes, `HH:MM`; allow a few minutes before work for nodes and the database. No default. */
    wake: clock,
    /** Time the stack sleeps, `HH:MM`, later than `wake`. No default. */
    sleep: clock,
    /** Days it wakes on. Default MON..FRI. */
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .refine((d) => new Set(d).size === d.length, { message: issue("lists a day twice", "list each day once, e.g. [MON, TUE, WED, THU, FRI]") })
      .default(["MON", "TUE", "WED", "THU", "FRI"]),
  })
  .optional();
export type SleepConfig = z.infer<typeof sleepSchema>;

/** Cross-field checks: sleep within the day, and only where the stack can stop what it runs. */
/** Minutes after wake before the nodes and the database are up for the daily backup's pods and jobs. */
export const WAKE_MARGIN_MINUTES = 30;

export function validateSleep(
  sleep: SleepConfig,
  ctx: { readonly mode: Mode; readonly postgresReplicas: readonly string[]; readonly backup?: { readonly schedule: string; readonly timezone: string } },
  areaKey = "entasis:sleep",
  backupKey = "entasis:backup",
): ConfigProblem[] {
  if (sleep === undefined) return [];
  const problems: ConfigProblem[] = [];
  const wake = minutesOf(sleep.wake);
  const end = minutesOf(sleep.sleep);
  if (wake !== undefined && end !== undefined && end <= wake) {
    problems.push({ key: `${areaKey}.sleep`, value: sleep.sleep, problem: `is not later than wake (${sleep.wake}): the stack would never be awake`, fix: "set sleep after wake on the same day, e.g. wake 08:00, sleep 20:00" });
  }
  // The daily backup must find the stack awake: Velero's backup and the time-series base backup
  // run as pods, which a node group at zero cannot schedule. Data does not change while the stack
  // sleeps, so a backup late in the working day loses nothing.
  const daily = ctx.backup ? parseDailyCron(ctx.backup.schedule) : undefined;
  if (ctx.backup && daily && wake !== undefined && end !== undefined && end > wake) {
    const at = daily.hour * 60 + daily.minute;
    const asleep = ctx.backup.timezone !== sleep.timezone || at < wake + WAKE_MARGIN_MINUTES || at >= end;
    if (asleep) {
      // An hour before sleep, but never before the earliest admitted time (a short working day).
      const at0 = Math.max(wake + WAKE_MARGIN_MINUTES, end - 60);
      const latest = `${String(Math.floor(at0 / 60)).padStart(2, "0")}:${String(at0 % 60).padStart(2, "0")}`;
      problems.push({
        key: `${backupKey}.schedule`,
        value: ctx.backup.schedule,
        problem: `runs while the stack sleeps (awake ${sleep.wake}-${sleep.sleep} ${sleep.timezone}; backups in ${ctx.backup.timezone}): Velero and the time-series base backup cannot run on node pools at zero`,
        fix: `schedule the daily backup at least ${WAKE_MARGIN_MINUTES} minutes after wake and before sleep in ${sleep.timezone}, e.g. "${Number(latest.slice(3))} ${Number(latest.slice(0, 2))} * * *" (${latest})`,
      });
    }
  }
  if (ctx.mode !== "single") {
    problems.push({ key: areaKey, value: sleep, problem: `is set in mode ${ctx.mode}, whose replicated data stores and autoscaled pools are not stopped on a timer`, fix: "remove entasis:sleep, or use entasis:mode single" });
  }
  if (ctx.postgresReplicas.length > 0) {
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html (limitations)
    problems.push({ key: areaKey, value: sleep, problem: `cannot stop PostgreSQL: RDS does not stop an instance that has read replicas (${ctx.postgresReplicas.join(", ")})`, fix: "remove entasis:data.postgres.replicas, or remove entasis:sleep" });
  }
  return problems;
}
