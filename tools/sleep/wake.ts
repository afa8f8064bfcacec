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
 * yet) has nothing to wake. Dev then stays awake until its next `sleep` schedule.
 */
import { execFileSync } from "child_process";

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

function aws(args: readonly string[]): string {
  return execFileSync("aws", [...args, "--output", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function sleepSeconds(s: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s * 1000);
}

function main(group: string, prefix: string): void {
  let names: string[];
  try {
    const listed: unknown = JSON.parse(aws(["scheduler", "list-schedules", "--group-name", group, "--name-prefix", prefix]));
    const schedules = isRecord(listed) && Array.isArray(listed.Schedules) ? listed.Schedules : [];
    names = schedules.map((s: unknown) => (isRecord(s) && typeof s.Name === "string" ? s.Name : "")).filter((n) => n !== "");
  } catch (e) {
    const stderr = isRecord(e) && "stderr" in e ? String(e.stderr) : String(e);
    if (/ResourceNotFoundException/.test(stderr)) {
      console.log(`no schedule group ${group}: nothing sleeps, nothing to wake`);
      return;
    }
    throw e;
  }
  const actions = names.map((name) => {
    const got: unknown = JSON.parse(aws(["scheduler", "get-schedule", "--group-name", group, "--name", name]));
    const t = isRecord(got) && isRecord(got.Target) ? got.Target : {};
    return wakeAction({ arn: String(t.Arn), input: String(t.Input) });
  });
  for (const a of actions) {
    let found: { minSize?: number; desiredSize?: number; status?: string };
    if (a.kind === "nodegroup") {
      const ng: unknown = JSON.parse(aws(["eks", "describe-nodegroup", "--cluster-name", a.clusterName, "--nodegroup-name", a.nodegroupName, "--query", "nodegroup.scalingConfig"]));
      found = isRecord(ng) ? { minSize: Number(ng.minSize), desiredSize: Number(ng.desiredSize) } : {};
    } else {
      // A stop still in progress cannot be started yet (InvalidDBInstanceState): wait for it.
      const status = (): string => String(JSON.parse(aws(["rds", "describe-db-instances", "--db-instance-identifier", a.identifier, "--query", "DBInstances[0].DBInstanceStatus"])));
      let s = status();
      for (let i = 0; s === "stopping" && i < 60; i++, s = status()) sleepSeconds(20);
      found = { status: s };
    }
    for (const call of wakeCalls(a, found)) {
      console.log(`aws ${call.join(" ")}`);
      aws(call);
    }
  }
  // Ready before `pulumi up` starts: the database available (starting takes minutes, in which the
  // nodes boot too) and every node group's update done.
  for (const a of actions) {
    if (a.kind === "database") aws(["rds", "wait", "db-instance-available", "--db-instance-identifier", a.identifier]);
    else aws(["eks", "wait", "nodegroup-active", "--cluster-name", a.clusterName, "--nodegroup-name", a.nodegroupName]);
  }
  console.log(`awake: ${actions.length} wake schedule target(s) of ${group} applied`);
}

if (require.main === module) {
  const [group, prefix] = process.argv.slice(2);
  if (!group || !prefix) {
    console.error("usage: tools/sleep/wake.ts <schedule group> <schedule name prefix>");
    process.exit(2);
  }
  main(group, prefix);
}
