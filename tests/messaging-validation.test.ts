import { toRawStackConfig } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import { validateStackConfig } from "../stacks/schema/stack";
import { loadStackFile } from "../tools/offline/stackFile";
import { validateWith, withField } from "./support/config";

const mq = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, messaging: withField(a.messaging, path, value) }));

describe("messaging config validation", () => {
  it("accepts both stack files as written", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects an instance type Amazon MQ does not offer for RabbitMQ", () => {
    expect(mq("dev", ["hostInstanceType"], "mq.r5.large").messages).toEqual([
      'entasis:messaging.hostInstanceType "mq.r5.large" is not allowed (allowed: mq.t3.micro | mq.m5.large | mq.m5.xlarge | mq.m5.2xlarge | mq.m5.4xlarge | mq.m7g.medium | mq.m7g.large | mq.m7g.xlarge | mq.m7g.2xlarge | mq.m7g.4xlarge | mq.m7g.8xlarge | mq.m7g.12xlarge | mq.m7g.16xlarge); use one of those values',
    ]);
  });

  it("rejects an engine version Amazon MQ does not create", () => {
    expect(mq("dev", ["engineVersion"], "3.12").messages).toEqual(['entasis:messaging.engineVersion "3.12" is not allowed (allowed: 3.13 | 4.2); use one of those values']);
  });

  it("rejects RabbitMQ 4.2 on a type other than mq.m7g", () => {
    expect(mq("dev", ["hostInstanceType"], "mq.m5.large").messages).toEqual([
      'entasis:messaging.hostInstanceType "mq.m5.large" does not run RabbitMQ 4.2 (Amazon MQ offers it on mq.m7g only); use an mq.m7g type, e.g. mq.m7g.large, or engineVersion "3.13"',
    ]);
    expect(validateWith("dev", (a) => ({ ...a, messaging: withField(withField(a.messaging, ["hostInstanceType"], "mq.m5.large"), ["engineVersion"], "3.13") })).ok).toBe(true);
  });

  it("rejects a cluster of mq.t3.micro, which only runs as a single instance", () => {
    const r = validateWith("dev", (a) => ({
      ...a,
      messaging: withField(withField(withField(a.messaging, ["hostInstanceType"], "mq.t3.micro"), ["engineVersion"], "3.13"), ["deploymentMode"], "CLUSTER_MULTI_AZ"),
    }));
    expect(r.messages).toEqual(['entasis:messaging.hostInstanceType "mq.t3.micro" does not support cluster deployment (CLUSTER_MULTI_AZ); use mq.m7g.large or larger, or deploymentMode SINGLE_INSTANCE']);
  });

  it("rejects a single-instance broker and an evaluation size in prod", () => {
    expect(mq("prod", ["deploymentMode"], "SINGLE_INSTANCE").messages).toEqual([
      'entasis:messaging.deploymentMode "SINGLE_INSTANCE" is a single broker in one AZ, a single point of failure prod does not accept; use CLUSTER_MULTI_AZ (three nodes across AZs)',
    ]);
    expect(mq("prod", ["hostInstanceType"], "mq.m7g.medium").messages).toEqual([
      'entasis:messaging.hostInstanceType "mq.m7g.medium" is an evaluation size (AWS recommends it for testing only); use mq.m7g.large or larger in prod',
    ]);
  });

  it("rejects an application user that reuses the administrator's or another application's name", () => {
    expect(mq("dev", ["users", "analytics"], { username: "trading_api" }).messages).toEqual(['entasis:messaging.users.analytics.username "trading_api" is also the user of trading-api; give every application its own user']);
    expect(mq("dev", ["users", "analytics"], { username: "entasis_admin" }).messages).toEqual(['entasis:messaging.users.analytics.username "entasis_admin" is the administrator\'s user name; give every application its own user']);
  });

  it("rejects a malformed maintenance window and unknown keys", () => {
    expect(mq("dev", ["maintenanceWindow", "timeOfDay"], "25:00").messages).toEqual(['entasis:messaging.maintenanceWindow.timeOfDay "25:00" is not a 24-hour time; use HH:MM, e.g. "20:30"']);
    expect(mq("dev", ["maintenanceWindow", "dayOfWeek"], "SUN").messages).toEqual([
      'entasis:messaging.maintenanceWindow.dayOfWeek "SUN" is not allowed (allowed: MONDAY | TUESDAY | WEDNESDAY | THURSDAY | FRIDAY | SATURDAY | SUNDAY); use one of those values',
    ]);
    expect(mq("dev", ["encryption"], true).messages).toEqual([
      "entasis:messaging.encryption true is not a known setting; remove it from Pulumi.dev.yaml or fix its spelling (known here: enabled, engineVersion, hostInstanceType, deploymentMode, maintenanceWindow, adminUsername, users)",
    ]);
  });

  it("checks nothing else when the broker is disabled", () => {
    expect(validateWith("prod", (a) => ({ ...a, messaging: withField(withField(a.messaging, ["enabled"], false), ["deploymentMode"], "SINGLE_INSTANCE") })).ok).toBe(true);
  });
});

describe("messaging broker name", () => {
  it("rejects a stack whose broker name Amazon MQ would refuse", () => {
    const stack = "a-very-long-stack-name-for-a-feature-branch-x";
    const result = validateStackConfig(toRawStackConfig(stack, loadStackFile("dev").config, { slackWebhookUrl: true }));
    expect(result.ok ? [] : result.problems.map(renderProblem).filter((m) => m.startsWith("entasis:messaging"))).toEqual([
      `entasis:messaging.enabled true would name the broker entasis-${stack}-rabbitmq, which Amazon MQ rejects (1..50 letters, digits, '-' and '_'); use a shorter stack name with letters, digits and '-' only, or set enabled: false`,
    ]);
  });
});

describe("messaging application keys", () => {
  it("rejects an application key that is not a DNS label", () => {
    expect(mq("dev", ["users", "Bad_App"], { username: "bad_app" }).messages).toEqual(['entasis:messaging.users.Bad_App "Bad_App" is not an application key; use a lowercase DNS label, e.g. trading-api']);
  });
});
