import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SleepWindow, cronAt } from "../../lib/sleepWindow";
import { Tags, named } from "../tags";

/** One node group the schedule scales to zero and back. */
export interface SleepingNodeGroup {
  readonly clusterName: pulumi.Input<string>;
  readonly nodeGroupName: pulumi.Input<string>;
  readonly arn: pulumi.Input<string>;
  /** Sizes it wakes to: the configured ones, not the group's live state (which the schedule changes). */
  readonly minSize: number;
  readonly desiredSize: number;
}

/** The database the schedule stops and starts. */
export interface SleepingDatabase {
  readonly identifier: pulumi.Input<string>;
  readonly arn: pulumi.Input<string>;
}

export interface SleepScheduleArgs {
  /** Prefix of AWS names, e.g. `entasis-dev`. */
  readonly namePrefix: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Working hours: awake from `wake` to `sleep` on `days`, in `timezone`. */
  readonly window: SleepWindow;
  /** Node groups keyed by a stable name (`<pool>-<zone>`); each gets a sleep and a wake schedule. */
  readonly nodeGroups: Readonly<Record<string, SleepingNodeGroup>>;
  /** Default: no database is stopped. */
  readonly database?: SleepingDatabase;
  readonly tags: Tags;
}

/** Universal-target ARN of an AWS SDK action: `arn:aws:scheduler:::aws-sdk:<service>:<action>`. */
function sdkTarget(partition: pulumi.Input<string>, service: string, action: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:scheduler:::aws-sdk:${service}:${action}`;
}

/**
 * Puts a `single` stack to sleep outside working hours with EventBridge Scheduler's universal
 * targets, no code of our own: at `sleep` each node group goes to min 0 / desired 0 (EKS drains
 * and terminates its nodes) and PostgreSQL stops; at `wake` PostgreSQL starts and the groups get
 * their configured min and desired back (max is never touched, so Pulumi keeps owning it).
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html (a stopped
 * instance starts by itself after 7 days; the longest sleep of a working-week window is 60 h)
 * The cluster autoscaler runs on the general pool, so it sleeps with the nodes and cannot fight
 * the schedule; at wake it resumes between the groups' min and max.
 */
export class SleepSchedule extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly group: aws.scheduler.ScheduleGroup;
  /** Schedules keyed `sleep-<key>` / `wake-<key>` (`<key>` a node group's key, or `postgres`). */
  public readonly schedules: Readonly<Record<string, aws.scheduler.Schedule>>;

  constructor(name: string, args: SleepScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:schedule:SleepSchedule", name, {}, opts);
    const awsName = `${args.namePrefix}-sleep`;

    this.group = new aws.scheduler.ScheduleGroup(`${name}-group`, { name: awsName, tags: named(args.tags, awsName) }, { parent: this });

    // The scheduler assumes this role for this group's schedules only (confused deputy): with
    // aws:SourceAccount alone, anyone in the account who may create a schedule and pass this role
    // could stop or scale dev from a schedule of their own.
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: awsName,
        description: "EventBridge Scheduler: scales the node groups to zero and stops PostgreSQL outside working hours",
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId, "aws:SourceArn": this.group.arn } } }],
        }),
        tags: named(args.tags, awsName),
      },
      { parent: this },
    );

    // Least privilege: the two actions on exactly the resources the schedules name.
    const groups = Object.values(args.nodeGroups);
    const statements: pulumi.Input<aws.iam.PolicyStatement>[] = [];
    if (groups.length > 0) statements.push({ Sid: "ScaleNodeGroups", Effect: "Allow", Action: ["eks:UpdateNodegroupConfig"], Resource: groups.map((g) => g.arn) });
    if (args.database) statements.push({ Sid: "StopStartDatabase", Effect: "Allow", Action: ["rds:StopDBInstance", "rds:StartDBInstance"], Resource: [args.database.arn] });
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) }, { parent: this });

    const sleepAt = cronAt(args.window.sleep, args.window.days);
    const wakeAt = cronAt(args.window.wake, args.window.days);
    const schedules: Record<string, aws.scheduler.Schedule> = {};
    const schedule = (key: string, when: string, what: string, arn: pulumi.Output<string>, input: pulumi.Output<string>): void => {
      schedules[key] = new aws.scheduler.Schedule(
        `${name}-${key}`,
        {
          name: `${args.namePrefix}-${key}`,
          groupName: this.group.name,
          description: what,
          scheduleExpression: when,
          scheduleExpressionTimezone: args.window.timezone,
          flexibleTimeWindow: { mode: "OFF" },
          state: "ENABLED",
          target: { arn, roleArn: this.role.arn, input, retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 } },
        },
        { parent: this, dependsOn: [policy] },
      );
    };

    const updateNodegroup = sdkTarget(args.partition, "eks", "updateNodegroupConfig");
    for (const [key, g] of Object.entries(args.nodeGroups)) {
      // Request parameters of UpdateNodegroupConfig, as the SDK names them; scalingConfig may be partial.
      const body = (minSize: number, desiredSize: number): pulumi.Output<string> =>
        pulumi.jsonStringify({ ClusterName: g.clusterName, NodegroupName: g.nodeGroupName, ScalingConfig: { MinSize: minSize, DesiredSize: desiredSize } });
      schedule(`sleep-${key}`, sleepAt, `Scale node group ${key} to zero after working hours`, updateNodegroup, body(0, 0));
      // A group that starts at zero stays there until the autoscaler needs it: nothing to wake.
      if (g.minSize > 0 || g.desiredSize > 0) {
        schedule(`wake-${key}`, wakeAt, `Scale node group ${key} back to min ${g.minSize}, desired ${g.desiredSize} before working hours`, updateNodegroup, body(g.minSize, g.desiredSize));
      }
    }
    if (args.database) {
      const db = pulumi.jsonStringify({ DbInstanceIdentifier: args.database.identifier });
      schedule("sleep-postgres", sleepAt, "Stop PostgreSQL after working hours", sdkTarget(args.partition, "rds", "stopDBInstance"), db);
      schedule("wake-postgres", wakeAt, "Start PostgreSQL before working hours", sdkTarget(args.partition, "rds", "startDBInstance"), db);
    }
    this.schedules = schedules;

    this.registerOutputs({ groupName: this.group.name, roleArn: this.role.arn, schedules: Object.keys(schedules) });
  }
}
