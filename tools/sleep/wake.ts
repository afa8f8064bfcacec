/**
 * Wakes a sleeping stack (`entasis:sleep`) now, by doing what its wake schedules do: the deploy
 * workflow runs this before dev's `pulumi up` and `pulumi destroy`, which cannot work while dev
 * sleeps (Deployments and Jobs wait for pods that no node can run, controllers whose finalizers a
 * deletion waits for are not running, RDS refuses to modify a stopped instance,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html). The schedules
 * stay the one source of the sizes: this reads their targets (GetSchedule) instead of repeating them.
 *
 * `npx ts-node --transpile-only tools/sleep/wake.ts <schedule group> <name prefix>`, e.g.
 * `entasis-dev-sleep entasis-dev-wake-`. A stack without the group (sleep off, or not deployed
 * yet) has nothing to wake. It writes `woke=true|false` to $GITHUB_OUTPUT.
 * `... wake.ts --back-to-sleep <schedule group> <sleep name prefix>` (after the deploy, when it woke
 * dev) does what the sleep schedules do, unless it is now inside the working hours of the wake
 * schedules' cron and time zone: a deploy at night does not leave dev awake until the next evening.
 */
import { appendFileSync } from "fs";
import { execFileSync } from "child_process";
import { WEEKDAYS, Weekday, parseCron } from "../../lib/sleepWindow";

/** What one wake schedule does, read from its universal target (components/schedule/sleepSchedule.ts). */
export type WakeAction =
  | { readonly kind: "nodegroup"; readonly clusterName: string; readonly nodegroupName: string; readonly minSize: number; readonly desiredSize: number }
  | { readonly kind: "database"; readonly identifier: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The action of a wake schedule's target (`Arn`, `Input`); throws on any other target or payload. */
export function wakeAction(target: { readonly arn: string; readonly input: string }): WakeAction {
  const body: unknown = JSON.parse(target.input);
  const b = isRecord(body) ? body : {};
  if (target.arn.endsWith(":aws-sdk:eks:updateNodegroupConfig")) {
    const s = isRecord(b.ScalingConfig) ? b.ScalingConfig : {};
    if (typeof b.ClusterName === "string" && typeof b.NodegroupName === "string" && typeof s.MinSize === "number" && typeof s.DesiredSize === "number" && s.MinSize + s.DesiredSize > 0) {
      return { kind: "nodegroup", clusterName: b.ClusterName, nodegroupName: b.NodegroupName, minSize: s.MinSize, desiredSize: s.DesiredSize };
    }
  } else if (target.arn.endsWith(":aws-sdk:rds:startDBInstance") && typeof b.DbInstanceIdentifier === "string") {
    return { kind: "database", identifier: b.DbInstanceIdentifier };
  }
  throw new Error(`not a wake target: ${target.arn} ${target.input}`);
}

/**
 * The AWS CLI calls that apply an action to the state found: none when the group already runs at
 * least its wake minimum or the database is not stopped. Desired never goes below what the group
 * runs (the autoscaler may have raised it).
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html
 */
export function wakeCalls(action: WakeAction, found: { readonly minSize?: number; readonly desiredSize?: number; readonly status?: string }): string[][] {
  if (action.kind === "nodegroup") {
    if ((found.minSize ?? 0) >= action.minSize) return [];
    const desired = Math.max(action.desiredSize, found.desiredSize ?? 0);
    return [["eks", "update-nodegroup-config", "--cluster-name", action.clusterName, "--nodegroup-name", action.nodegroupName, "--scaling-config", `minSize=${action.minSize},desiredSize=${desired}`]];
  }
  return found.status === "stopped" ? [["rds", "start-db-instance", "--db-instance-identifier", action.identifier]] : [];
}

/** What one sleep schedule does: a node group to min 0 / desired 0, or the database stopped. */
export function sleepCalls(target: { readonly arn: string; readonly input: string }, found: { readonly minSize?: number; readonly desiredSize?: number; readonly status?: string }): string[][] {
  const body: unknown = JSON.parse(target.input);
  const b = isRecord(body) ? body : {};
  if (target.arn.endsWith(":aws-sdk:eks:updateNodegroupConfig") && typeof b.ClusterName === "string" && typeof b.NodegroupName === "string") {
    return (found.minSize ?? 0) === 0 && (found.desiredSize ?? 0) === 0 ? [] : [["eks", "update-nodegroup-config", "--cluster-name", b.ClusterName, "--nodegroup-name", b.NodegroupName, "--scaling-config", "minSize=0,desiredSize=0"]];
  }
  if (target.arn.endsWith(":aws-sdk:rds:stopDBInstance") && typeof b.DbInstanceIdentifier === "string") {
    return found.status === "available" ? [["rds", "stop-db-instance", "--db-instance-identifier", b.DbInstanceIdentifier]] : [];
  }
  throw new Error(`not a sleep target: ${target.arn} ${target.input}`);
}

/**
 * Whether `now` is inside the working hours of a wake and a sleep schedule (their cron expressions,
 * as lib/sleepWindow.ts writes them, and the schedules' IANA time zone).
 */
export function isAwakeTime(now: Date, wakeCron: string, sleepCron: string, timezone: string): boolean {
  const wake = parseCron(wakeCron);
  const sleep = parseCron(sleepCron);
  if (!wake || !sleep) throw new Error(`not a sleep window: ${wakeCron} / ${sleepCron}`);
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now).map((p) => [p.type, p.value]));
  const day: Weekday | undefined = WEEKDAYS.find((d) => d === String(parts.weekday).toUpperCase());
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  return day !== undefined && wake.days.includes(day) && minutes >= wake.minutes && minutes < sleep.minutes;
}

function aws(args: readonly string[]): string {
  return execFileSync("aws", [...args, "--output", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function sleepSeconds(s: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s * 1000);
}

/** The group's schedules whose names start with `prefix`, as GetSchedule returns them; none when the group does not exist. */
function schedulesOf(group: string, prefix: string): Record<string, unknown>[] {
  let names: string[];
  try {
    const listed: unknown = JSON.parse(aws(["scheduler", "list-schedules", "--group-name", group, "--name-prefix", prefix]));
    const schedules = isRecord(listed) && Array.isArray(listed.Schedules) ? listed.Schedules : [];
    names = schedules.map((s: unknown) => (isRecord(s) && typeof s.Name === "string" ? s.Name : "")).filter((n) => n !== "");
  } catch (e) {
    const stderr = isRecord(e) && "stderr" in e ? String(e.stderr) : String(e);
    if (/ResourceNotFoundException/.test(stderr)) return [];
    throw e;
  }
  return names.map((name) => {
    const got: unknown = JSON.parse(aws(["scheduler", "get-schedule", "--group-name", group, "--name", name]));
    return isRecord(got) ? got : {};
  });
}

function targetOf(schedule: Record<string, unknown>): { arn: string; input: string } {
  const t = isRecord(schedule.Target) ? schedule.Target : {};
  return { arn: String(t.Arn), input: String(t.Input) };
}

function nodegroupSizes(clusterName: string, nodegroupName: string): { minSize?: number; desiredSize?: number } {
  const ng: unknown = JSON.parse(aws(["eks", "describe-nodegroup", "--cluster-name", clusterName, "--nodegroup-name", nodegroupName, "--query", "nodegroup.scalingConfig"]));
  return isRecord(ng) ? { minSize: Number(ng.minSize), desiredSize: Number(ng.desiredSize) } : {};
}

function dbStatus(identifier: string): string {
  return String(JSON.parse(aws(["rds", "describe-db-instances", "--db-instance-identifier", identifier, "--query", "DBInstances[0].DBInstanceStatus"])));
}

function output(key: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${key}=${value}\n`);
}

function wake(group: string, prefix: string): void {
  const schedules = schedulesOf(group, prefix);
  if (schedules.length === 0) console.log(`no wake schedules in ${group}: nothing sleeps, nothing to wake`);
  const actions = schedules.map((sc) => wakeAction(targetOf(sc)));
  let woke = false;
  for (const a of actions) {
    let found: { minSize?: number; desiredSize?: number; status?: string };
    if (a.kind === "nodegroup") {
      found = nodegroupSizes(a.clusterName, a.nodegroupName);
    } else {
      // A stop still in progress cannot be started yet (InvalidDBInstanceState): wait for it.
      let s = dbStatus(a.identifier);
      for (let i = 0; s === "stopping" && i < 60; i++, s = dbStatus(a.identifier)) sleepSeconds(20);
      found = { status: s };
    }
    for (const call of wakeCalls(a, found)) {
      console.log(`aws ${call.join(" ")}`);
      aws(call);
      woke = true;
    }
  }
  // Ready before `pulumi up` starts: the database available (starting takes minutes, in which the
  // nodes boot too) and every node group's update done.
  for (const a of actions) {
    if (a.kind === "database") aws(["rds", "wait", "db-instance-available", "--db-instance-identifier", a.identifier]);
    else aws(["eks", "wait", "nodegroup-active", "--cluster-name", a.clusterName, "--nodegroup-name", a.nodegroupName]);
  }
  output("woke", String(woke));
  console.log(woke ? `woke ${group}'s targets` : `${group}: awake already`);
}

function backToSleep(group: string, prefix: string): void {
  const sleeps = schedulesOf(group, prefix);
  const wakes = schedulesOf(group, prefix.replace(/sleep-$/, "wake-"));
  if (sleeps.length === 0 || wakes.length === 0) return;
  const timezone = String(wakes[0].ScheduleExpressionTimezone ?? "UTC");
  if (isAwakeTime(new Date(), String(wakes[0].ScheduleExpression), String(sleeps[0].ScheduleExpression), timezone)) {
    console.log(`${group}: inside its working hours (${timezone}), stays awake`);
    return;
  }
  for (const sc of sleeps) {
    const t = targetOf(sc);
    const body: unknown = JSON.parse(t.input);
    const b = isRecord(body) ? body : {};
    const found = typeof b.DbInstanceIdentifier === "string" ? { status: dbStatus(b.DbInstanceIdentifier) } : nodegroupSizes(String(b.ClusterName), String(b.NodegroupName));
    for (const call of sleepCalls(t, found)) {
      console.log(`aws ${call.join(" ")}`);
      aws(call);
    }
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const back = args[0] === "--back-to-sleep";
  const [group, prefix] = back ? args.slice(1) : args;
  if (!group || !prefix) {
    console.error("usage: tools/sleep/wake.ts [--back-to-sleep] <schedule group> <schedule name prefix>");
    process.exit(2);
  }
  if (back) backToSleep(group, prefix);
  else wake(group, prefix);
}
