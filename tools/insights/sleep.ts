import { RecordedResource } from "../offline/harness";
import { WEEKDAYS, Weekday, parseCron } from "../../lib/sleepWindow";
import { CostReport } from "./cost";
import { ResourceIndex, boolOf, field, numOf, strOf } from "./model";
import { NODE_GROUP } from "./pools";
import { PriceTable } from "./prices-ap-northeast-2";

const SCHEDULE = "aws:scheduler/schedule:Schedule";
const RDS = "aws:rds/instance:Instance";

/** One resource a schedule puts to sleep, priced always on and with the schedule. */
export interface SleepLine {
  readonly name: string;
  readonly type: string;
  readonly withoutMin: number;
  readonly withoutMax: number;
  readonly withMin: number;
  readonly withMax: number;
  readonly how: string;
}

/** The stack priced with and without its sleep schedule (entasis:sleep), from the schedules it registers. */
export interface SleepReport {
  readonly timezone: string;
  /** e.g. `MON,TUE,WED,THU,FRI 08:00-20:00`. */
  readonly window: string;
  readonly awakeHoursPerWeek: number;
  /** Awake hours in a month of `hoursPerMonth` (the price table's 730). */
  readonly awakeHoursPerMonth: number;
  readonly hoursPerMonth: number;
  /** The whole stack, always on (the cost section's figures). */
  readonly withoutMin: number;
  readonly withoutMax: number;
  /** The whole stack with the schedule: what sleeps is billed only while awake. */
  readonly withMin: number;
  readonly withMax: number;
  readonly lines: readonly SleepLine[];
}

interface Parsed {
  readonly schedule: RecordedResource;
  /** What the schedule does to its target. */
  readonly puts: "sleep" | "wake";
  readonly minutes: number;
  readonly days: readonly Weekday[];
  readonly timezone: string;
  readonly target: RecordedResource;
}

const clock = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

function jsonOf(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "{}");
  } catch {
    return undefined;
  }
}

/** A schedule's universal-target action, whether it puts its target to sleep or wakes it, and the target (the node group or instance its input depends on). */
function parse(s: RecordedResource, idx: ResourceIndex): Parsed | undefined {
  const target = field(s.inputs, "target");
  const m = /^arn:[a-z-]+:scheduler:::aws-sdk:(eks|rds):([A-Za-z]+)$/.exec(strOf(target, "arn") ?? "");
  const cron = parseCron(strOf(s.inputs, "scheduleExpression") ?? "");
  if (!m || !cron) return undefined;
  const scaling = field(jsonOf(strOf(target, "input")), "ScalingConfig");
  const action = m[2];
  const puts =
    action === "stopDBInstance" || (action === "updateNodegroupConfig" && numOf(scaling, "MinSize") === 0 && numOf(scaling, "DesiredSize") === 0)
      ? "sleep"
      : action === "startDBInstance" || action === "updateNodegroupConfig"
        ? "wake"
        : undefined;
  const resource = s.dependencies.map((u) => idx.get(u)).find((r): r is RecordedResource => r !== undefined && (r.type === NODE_GROUP || r.type === RDS));
  if (!puts || !resource) return undefined;
  return { schedule: s, puts, minutes: cron.minutes, days: cron.days, timezone: strOf(s.inputs, "scheduleExpressionTimezone") ?? "UTC", target: resource };
}

/**
 * Awake hours follow the wake and sleep schedules the program registered (the same cron the cloud
 * runs): node groups cost nothing while at zero (instances and their volumes are gone); a stopped
 * RDS instance bills its storage but not its instance hours
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html). Node groups
 * that only have a sleep schedule (they start at zero) are priced at the stack's awake hours at
 * their maximum, when the autoscaler, itself asleep at night, may have grown them.
 */
export function analyseSleep(idx: ResourceIndex, cost: CostReport, table: PriceTable): SleepReport | undefined {
  const parsed = idx.ofType(SCHEDULE).map((s) => parse(s, idx)).filter((p): p is Parsed => p !== undefined);
  const wakes = parsed.filter((p) => p.puts === "wake");
  const sleeps = parsed.filter((p) => p.puts === "sleep");
  if (sleeps.length === 0 || wakes.length === 0) return undefined;
  // One window per stack (entasis:sleep has one): the first wake and its target's sleep.
  const wake = wakes[0];
  const sleep = sleeps.find((s) => s.target.urn === wake.target.urn) ?? sleeps[0];
  const days = WEEKDAYS.filter((d) => wake.days.includes(d) && sleep.days.includes(d));
  const awakeHoursPerWeek = (days.length * Math.max(0, sleep.minutes - wake.minutes)) / 60;
  const H = table.hoursPerMonth;
  const fraction = awakeHoursPerWeek / (7 * 24);

  const lines: SleepLine[] = [];
  for (const target of [...new Map(sleeps.map((s) => [s.target.urn, s.target])).values()]) {
    const priced = cost.lines.find((l) => l.name === target.name && l.type === target.type);
    if (!priced) continue;
    if (target.type === NODE_GROUP) {
      lines.push({ name: target.name, type: target.type, withoutMin: priced.monthlyMin, withoutMax: priced.monthlyMax, withMin: priced.monthlyMin * fraction, withMax: priced.monthlyMax * fraction, how: `nodes and their volumes only while awake (${(fraction * 100).toFixed(1)}% of the hours)` });
    } else {
      const cls = strOf(target.inputs, "instanceClass") ?? "";
      const hourly = (table.rds[cls]?.usd ?? 0) * (boolOf(target.inputs, "multiAz") === true ? 2 : 1);
      const saved = hourly * H * (1 - fraction);
      lines.push({ name: target.name, type: target.type, withoutMin: priced.monthlyMin, withoutMax: priced.monthlyMax, withMin: priced.monthlyMin - saved, withMax: priced.monthlyMax - saved, how: `${cls} instance hours only while awake; storage billed while stopped` });
    }
  }
  const savedMin = lines.reduce((s, l) => s + l.withoutMin - l.withMin, 0);
  const savedMax = lines.reduce((s, l) => s + l.withoutMax - l.withMax, 0);
  return {
    timezone: wake.timezone,
    window: `${days.join(",")} ${clock(wake.minutes)}-${clock(sleep.minutes)}`,
    awakeHoursPerWeek,
    awakeHoursPerMonth: fraction * H,
    hoursPerMonth: H,
    withoutMin: cost.monthlyMin,
    withoutMax: cost.monthlyMax,
    withMin: cost.monthlyMin - savedMin,
    withMax: cost.monthlyMax - savedMax,
    lines: lines.sort((a, b) => b.withoutMax - a.withoutMax || a.name.localeCompare(b.name)),
  };
}
