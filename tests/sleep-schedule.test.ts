import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RecordedResource, StackRunResult } from "../tools/offline/harness";
import { insightsOf } from "../tools/insights";
import { renderSleep } from "../tools/plan/renderSleep";
import { isAwakeTime, sleepCalls, wakeAction, wakeCalls } from "../tools/sleep/wake";
import { evaluate, rolePolicies } from "./support/iam";
import { jsonInput, named, ofType } from "./support/query";
import { planRun, stackRun } from "./support/stackRuns";

const runs: Record<string, StackRunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
  runs.devPlan = await planRun("dev");
  runs.prodPlan = await planRun("prod");
});

const SCHEDULE = "aws:scheduler/schedule:Schedule";
const NG = "aws:eks/nodeGroup:NodeGroup";
const target = (s: RecordedResource): { arn: string; roleArn: string; input: string } => s.inputs.target as { arn: string; roleArn: string; input: string };
const input = (s: RecordedResource): Record<string, unknown> => JSON.parse(target(s).input) as Record<string, unknown>;
const schedule = (name: string): RecordedResource => named(runs.dev, name, SCHEDULE);

describe("dev sleeps outside Seoul working hours (entasis:sleep, EventBridge Scheduler universal targets)", () => {
  it("a sleep schedule per node group and for PostgreSQL, a wake schedule for each that does not start at zero, all in Asia/Seoul on weekdays", () => {
    const all = ofType(runs.dev, SCHEDULE);
    expect(all.map((s) => s.name).sort()).toEqual([
      "sleep-sleep-ai-inference",
      "sleep-sleep-data-processing-a",
      "sleep-sleep-data-processing-c",
      "sleep-sleep-general-a",
      "sleep-sleep-general-c",
      "sleep-sleep-postgres",
      "sleep-wake-data-processing-a",
      "sleep-wake-general-a",
      "sleep-wake-general-c",
      "sleep-wake-postgres",
    ]);
    for (const s of all) {
      expect(s.inputs).toMatchObject({ scheduleExpressionTimezone: "Asia/Seoul", flexibleTimeWindow: { mode: "OFF" }, state: "ENABLED", groupName: "entasis-dev-sleep" });
      expect(s.inputs.scheduleExpression).toBe(s.name.startsWith("sleep-sleep-") ? "cron(0 20 ? * MON,TUE,WED,THU,FRI *)" : "cron(0 8 ? * MON,TUE,WED,THU,FRI *)");
    }
    expect(ofType(runs.prod, SCHEDULE)).toEqual([]);
  });

  it("node groups go to min 0 / desired 0 and back to their configured sizes; max is never touched; each schedule depends on the group it names", () => {
    const groups = ofType(runs.dev, NG);
    expect(groups).toHaveLength(5);
    const general = named(runs.dev, "cluster-general-ng-ap-northeast-2a", NG);
    const sleep = schedule("sleep-sleep-general-a");
    const wake = schedule("sleep-wake-general-a");
    for (const s of [sleep, wake]) {
      expect(target(s).arn).toBe("arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig");
      expect(s.dependencies).toContain(general.urn);
      expect(input(s)).toMatchObject({ ClusterName: "entasis-dev", NodegroupName: general.state.nodeGroupName });
    }
    expect(input(sleep).ScalingConfig).toEqual({ MinSize: 0, DesiredSize: 0 });
    expect(input(wake).ScalingConfig).toEqual({ MinSize: (general.inputs.scalingConfig as { minSize: number }).minSize, DesiredSize: 1 });
    // The schedules own minSize as well as desiredSize: an `up` at night (or with --refresh) wakes nothing.
    for (const g of groups) expect(g.ignoreChanges).toEqual(["scalingConfig.desiredSize", "scalingConfig.minSize"]);
    for (const g of ofType(runs.prod, NG)) expect(g.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
  });

  it("PostgreSQL is stopped and started by its identifier", () => {
    const primary = named(runs.dev, "postgres-primary", "aws:rds/instance:Instance");
    expect(target(schedule("sleep-sleep-postgres")).arn).toBe("arn:aws:scheduler:::aws-sdk:rds:stopDBInstance");
    expect(target(schedule("sleep-wake-postgres")).arn).toBe("arn:aws:scheduler:::aws-sdk:rds:startDBInstance");
    for (const name of ["sleep-sleep-postgres", "sleep-wake-postgres"]) {
      expect(input(schedule(name))).toEqual({ DbInstanceIdentifier: primary.state.identifier });
      expect(schedule(name).dependencies).toContain(primary.urn);
    }
  });

  it("runs as a least-privilege role: only this account's scheduler assumes it, and it may scale these groups and stop this database, nothing else", () => {
    const role = named(runs.dev, "sleep-role", "aws:iam/role:Role");
    for (const s of ofType(runs.dev, SCHEDULE)) expect(target(s).roleArn).toBe(role.state.arn);
    const trust = jsonInput(role, "assumeRolePolicy");
    const group = named(runs.dev, "sleep-group", "aws:scheduler/scheduleGroup:ScheduleGroup");
    const groupArn = String(group.state.arn);
    expect(jsonInput(role, "assumeRolePolicy")).toMatchObject({ Statement: [{ Condition: { StringEquals: { "aws:SourceArn": groupArn } } }] });
    const assume = (account: string, sourceArn = groupArn): string =>
      evaluate([trust], { action: "sts:AssumeRole", principal: { Service: "scheduler.amazonaws.com" }, context: { "aws:SourceAccount": account, "aws:SourceArn": sourceArn } });
    expect(assume("123456789012")).toBe("Allow");
    expect(assume("999999999999")).toBe("ImplicitDeny");
    // Only this group's schedules: a schedule elsewhere in the account cannot borrow the role.
    expect(assume("123456789012", "arn:aws:scheduler:ap-northeast-2:123456789012:schedule-group/default")).toBe("ImplicitDeny");
    expect(role.dependencies).toContain(group.urn);
    const policies = rolePolicies(runs.dev, role);
    const can = (action: string, resource: string): string => evaluate(policies, { action, resource });
    const groups = ofType(runs.dev, NG);
    for (const g of groups) expect(can("eks:UpdateNodegroupConfig", String(g.state.arn))).toBe("Allow");
    expect(can("eks:UpdateNodegroupConfig", "arn:aws:eks:ap-northeast-2:123456789012:nodegroup/entasis-prod/other/x")).toBe("ImplicitDeny");
    expect(can("eks:DeleteNodegroup", String(groups[0].state.arn))).toBe("ImplicitDeny");
    const primary = named(runs.dev, "postgres-primary", "aws:rds/instance:Instance");
    expect(can("rds:StopDBInstance", String(primary.state.arn))).toBe("Allow");
    expect(can("rds:StartDBInstance", String(primary.state.arn))).toBe("Allow");
    expect(can("rds:DeleteDBInstance", String(primary.state.arn))).toBe("ImplicitDeny");
    expect(can("rds:StopDBInstance", "arn:aws:rds:ap-northeast-2:123456789012:db:entasis-prod-postgres")).toBe("ImplicitDeny");
  });
});

describe("the plan prices dev with and without its sleep schedule", () => {
  it("dev with the schedule costs at most 10% of prod at pool minimum (the issue's bound), from awake hours alone", () => {
    const dev = insightsOf(runs.devPlan, "ap-northeast-2");
    const prod = insightsOf(runs.prodPlan, "ap-northeast-2");
    const sleep = dev.sleep;
    const prodMin = prod.cost?.monthlyMin ?? 0;
    expect(prod.sleep).toBeUndefined();
    expect(sleep).toBeDefined();
    if (!sleep) return;
    expect(sleep).toMatchObject({ timezone: "Asia/Seoul", window: "MON,TUE,WED,THU,FRI 08:00-20:00", awakeHoursPerWeek: 60 });
    expect(sleep.awakeHoursPerMonth).toBeCloseTo((60 * 730) / 168, 6);
    // Without the schedule the figures are the cost section's.
    expect(sleep.withoutMin).toBe(dev.cost?.monthlyMin);
    expect(sleep.withoutMax).toBe(dev.cost?.monthlyMax);
    // Each node group at the awake share; PostgreSQL keeps its storage.
    const fraction = 60 / 168;
    const general = sleep.lines.find((l) => l.name === "cluster-general-ng-ap-northeast-2a");
    expect(general?.withMin).toBeCloseTo((general?.withoutMin ?? 0) * fraction, 6);
    const pg = sleep.lines.find((l) => l.name === "postgres-primary");
    expect(pg?.withMin).toBeCloseTo(0.1 * 730 * fraction + 20 * 0.131, 6);
    expect(sleep.lines).toHaveLength(6);
    expect(sleep.withMin / prodMin).toBeLessThanOrEqual(0.1);
    expect(sleep.withoutMin / prodMin).toBeGreaterThan(0.1);
  });

  it("prints both figures and the share of prod", () => {
    const dev = insightsOf(runs.devPlan, "ap-northeast-2");
    const prodMin = insightsOf(runs.prodPlan, "ap-northeast-2").cost?.monthlyMin ?? 0;
    const text = renderSleep(dev.sleep, { stacks: [{ stack: "prod", monthlyMin: prodMin, monthlyMax: prodMin }] }).join("\n");
    expect(text).toMatch(/Awake MON,TUE,WED,THU,FRI 08:00-20:00 Asia\/Seoul: 60 h\/week, 260\.7 of 730 h\/month \(35\.7%\)\./);
    expect(text).toMatch(/Against prod at pool minimum \(\$4,9\d\d\.\d\d\): 17\.\d% without the schedule, 9\.\d% with it\./);
    expect(renderSleep(undefined, undefined)).toEqual([]);
  });
});

describe("the deploy workflow wakes dev before it deploys or destroys it (an update of a sleeping dev waits for pods no node runs)", () => {
  const wf = yaml.load(fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { steps: { name?: string; run?: string; uses?: string; with?: Record<string, unknown> }[] }> };

  it("the dev and destroy-dev jobs run tools/sleep/wake.ts on dev's wake schedules, after the deploy role and before Pulumi", () => {
    const group = String(named(runs.dev, "sleep-group", "aws:scheduler/scheduleGroup:ScheduleGroup").inputs.name);
    const wakes = ofType(runs.dev, SCHEDULE).filter((s) => s.name.startsWith("sleep-wake-"));
    expect(wakes).toHaveLength(4);
    const prefix = `tools/sleep/wake.ts ${group} entasis-dev-wake-`;
    for (const s of wakes) expect(String(s.inputs.name).startsWith("entasis-dev-wake-")).toBe(true);
    for (const s of ofType(runs.dev, SCHEDULE).filter((x) => !x.name.startsWith("sleep-wake-"))) expect(String(s.inputs.name).startsWith("entasis-dev-wake-")).toBe(false);
    for (const job of ["dev", "destroy-dev"]) {
      const steps = wf.jobs[job].steps;
      const wake = steps.findIndex((st) => st.run?.includes(prefix) === true);
      expect(wake).toBeGreaterThan(steps.findIndex((st) => st.uses?.startsWith("aws-actions/configure-aws-credentials@") === true));
      expect(wake).toBeLessThan(steps.findIndex((st) => st.uses?.startsWith("pulumi/actions@") === true));
    }
  });

  it("reads every wake schedule's target as the call its schedule makes, and calls only what still sleeps", () => {
    const groups = ofType(runs.dev, NG);
    const primary = named(runs.dev, "postgres-primary", "aws:rds/instance:Instance");
    const actions = ofType(runs.dev, SCHEDULE)
      .filter((s) => s.name.startsWith("sleep-wake-"))
      .map((s) => wakeAction(target(s)));
    expect(actions).toHaveLength(4);
    expect(actions.filter((a) => a.kind === "database")).toEqual([{ kind: "database", identifier: primary.state.identifier }]);
    const ngs = actions.flatMap((a) => (a.kind === "nodegroup" ? [a] : []));
    expect(ngs).toHaveLength(3);
    for (const a of ngs) {
      const g = groups.find((x) => x.state.nodeGroupName === a.nodegroupName);
      expect(g).toBeDefined();
      expect(a.clusterName).toBe("entasis-dev");
      expect(a.minSize).toBe((g?.inputs.scalingConfig as { minSize: number }).minSize);
    }
    const general = ngs.find((a) => a.nodegroupName.includes("general")) ?? ngs[0];
    // Asleep: back to the schedule's sizes. Awake (at or above its minimum): nothing to do.
    expect(wakeCalls(general, { minSize: 0, desiredSize: 0 })).toEqual([
      ["eks", "update-nodegroup-config", "--cluster-name", "entasis-dev", "--nodegroup-name", general.nodegroupName, "--scaling-config", `minSize=${general.minSize},desiredSize=${general.desiredSize}`],
    ]);
    expect(wakeCalls(general, { minSize: general.minSize, desiredSize: general.desiredSize })).toEqual([]);
    // The autoscaler's larger desired size is kept.
    expect(wakeCalls({ ...general, minSize: 1, desiredSize: 1 }, { minSize: 0, desiredSize: 3 })[0]).toContain("minSize=1,desiredSize=3");
    const db = actions.find((a) => a.kind === "database") ?? actions[0];
    expect(wakeCalls(db, { status: "stopped" })).toEqual([["rds", "start-db-instance", "--db-instance-identifier", primary.state.identifier]]);
    expect(wakeCalls(db, { status: "available" })).toEqual([]);
    // A sleep schedule is not a wake target.
    for (const s of ofType(runs.dev, SCHEDULE).filter((x) => x.name.startsWith("sleep-sleep-"))) expect(() => wakeAction(target(s))).toThrow(/not a wake target/);
  });

  it("puts dev back to sleep after a deploy that woke it, only outside the schedules' working hours in their time zone", () => {
    const steps = wf.jobs.dev.steps;
    const back = steps.findIndex((st) => st.run?.includes("tools/sleep/wake.ts --back-to-sleep entasis-dev-sleep entasis-dev-sleep-") === true);
    expect(back).toBeGreaterThan(steps.findIndex((st) => st.uses?.startsWith("pulumi/actions@") === true));
    expect((steps[back] as { if?: string }).if).toBe("${{ always() && steps.wake.outputs.woke == 'true' }}");
    expect((steps.find((st) => st.name === "Wake dev if it sleeps") as { id?: string }).id).toBe("wake");
    const sleeps = ofType(runs.dev, SCHEDULE).filter((x) => x.name.startsWith("sleep-sleep-"));
    expect(sleeps).toHaveLength(6);
    for (const x of sleeps) expect(String(x.inputs.name).startsWith("entasis-dev-sleep-")).toBe(true);
    // The window of the recorded schedules, Asia/Seoul (UTC+9): weekdays 08:00-20:00.
    const wakeCron = String(schedule("sleep-wake-postgres").inputs.scheduleExpression);
    const sleepCron = String(schedule("sleep-sleep-postgres").inputs.scheduleExpression);
    const at = (utc: string): boolean => isAwakeTime(new Date(utc), wakeCron, sleepCron, "Asia/Seoul");
    expect(at("2026-12-02T01:00:00Z")).toBe(true); // Wed 10:00 Seoul
    expect(at("2026-12-01T23:00:00Z")).toBe(true); // Wed 08:00 Seoul, the wake minute
    expect(at("2026-12-01T22:59:00Z")).toBe(false); // Wed 07:59 Seoul
    expect(at("2026-12-02T11:00:00Z")).toBe(false); // Wed 20:00 Seoul, the sleep minute
    expect(at("2026-12-05T01:00:00Z")).toBe(false); // Sat 10:00 Seoul
    expect(at("2026-12-04T14:00:00Z")).toBe(false); // Fri 14:00 UTC = Fri 23:00 Seoul
    // Node groups to zero, the database stopped, each only when not already asleep.
    const general = named(runs.dev, "cluster-general-ng-ap-northeast-2a", NG);
    expect(sleepCalls(target(schedule("sleep-sleep-general-a")), { minSize: 1, desiredSize: 2 })).toEqual([
      ["eks", "update-nodegroup-config", "--cluster-name", "entasis-dev", "--nodegroup-name", general.state.nodeGroupName, "--scaling-config", "minSize=0,desiredSize=0"],
    ]);
    expect(sleepCalls(target(schedule("sleep-sleep-general-a")), { minSize: 0, desiredSize: 0 })).toEqual([]);
    const primary = named(runs.dev, "postgres-primary", "aws:rds/instance:Instance");
    expect(sleepCalls(target(schedule("sleep-sleep-postgres")), { status: "available" })).toEqual([["rds", "stop-db-instance", "--db-instance-identifier", primary.state.identifier]]);
    expect(sleepCalls(target(schedule("sleep-sleep-postgres")), { status: "stopped" })).toEqual([]);
    expect(() => sleepCalls(target(schedule("sleep-wake-postgres")), { status: "stopped" })).toThrow(/not a sleep target/);
  });
});
