import { z } from "zod";
import { MQ_BROKER_NAME_RE, MQ_EVALUATION_TYPES, MQ_RABBITMQ_INSTANCE_TYPES, MQ_RABBITMQ_M7G_ONLY_VERSIONS, MQ_RABBITMQ_VERSIONS, MQ_SINGLE_INSTANCE_ONLY_TYPES } from "../../lib/awsLimits";
import type { AreaContext } from "./context";
import { ConfigProblem, issue } from "./problems";

/** Amazon MQ maintenance window days (MaintenanceWindowStartTime.DayOfWeek). */
export const MQ_DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
/** RabbitMQ user names the management API accepts and that stay readable in Secrets Manager names. */
const RABBIT_USER_RE = /^[a-z][a-z0-9_]{2,63}$/;
/** Application keys (they name secrets and Kubernetes objects: RFC 1123 label). */
const APP_KEY_RE = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;

const userSchema = z.strictObject({
  /** RabbitMQ user of the application, e.g. trading_api. */
  username: z.string().regex(RABBIT_USER_RE, { message: issue("is not a RabbitMQ user name this platform creates", "use 3..64 lowercase letters, digits and '_', starting with a letter, e.g. trading_api") }),
  /** Virtual host the user gets permissions on. Default "/". */
  vhost: z.string().min(1).max(128).default("/"),
  /** RabbitMQ permission regexes (configure, write, read). Default: the application's own exchanges and queues, `^<app>([.].+)?$` each (appPermissions). */
  permissions: z.strictObject({ configure: z.string(), write: z.string(), read: z.string() }).optional(),
});

/**
 * What an application's broker user may configure, write and read by default: exchanges and queues
 * named after it (`trading-api`, `trading-api.orders`, ...), nothing else on the vhost, so one
 * compromised application cannot read or purge another's messages. `[.]`, not `\.`: the provisioner
 * passes the regex inside a JSON body (as the collectors' do, components/collectors/names.ts).
 * https://www.rabbitmq.com/docs/access-control#authorisation
 */
export function appPermissions(app: string): { readonly configure: string; readonly write: string; readonly read: string } {
  const own = `^${app.replace(/[.]/g, "[.]")}([.].+)?$`;
  return { configure: own, write: own, read: own };
}

export const messagingSchema = z.strictObject({
  /** Amazon MQ broker for RabbitMQ. Default on. */
  enabled: z.boolean(),
  /** RabbitMQ major.minor (Amazon MQ manages patches): 3.13 or 4.2. Default 4.2. */
  engineVersion: z.enum(MQ_RABBITMQ_VERSIONS),
  /** Broker instance type. Default mq.m7g.medium (dev) / mq.m7g.large (prod). */
  hostInstanceType: z.enum(MQ_RABBITMQ_INSTANCE_TYPES),
  /** SINGLE_INSTANCE (one node, one AZ) or CLUSTER_MULTI_AZ (three nodes across AZs); changing it replaces the broker. Default dev single, prod cluster. */
  deploymentMode: z.enum(["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"]),
  /** Weekly maintenance start (Amazon MQ applies patches then). Default SUNDAY 20:30 UTC (Monday 05:30 Seoul). */
  maintenanceWindow: z.strictObject({
    dayOfWeek: z.enum(MQ_DAYS),
    timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: issue("is not a 24-hour time", 'use HH:MM, e.g. "20:30"') }),
    timeZone: z.string().min(1).max(64),
  }),
  /** Administrator user (the one user Amazon MQ creates for RabbitMQ); changing it replaces the broker. Default entasis_admin. */
  adminUsername: z.string().regex(RABBIT_USER_RE, { message: issue("is not a RabbitMQ user name this platform creates", "use 3..64 lowercase letters, digits and '_', e.g. entasis_admin") }),
  /** Per-application users keyed by application, created after the broker exists. Default trading-api. */
  users: z.record(z.string(), userSchema).transform((users) => Object.fromEntries(Object.entries(users).map(([app, u]) => [app, { ...u, permissions: u.permissions ?? appPermissions(app) }]))),
});
export type MessagingConfig = z.infer<typeof messagingSchema>;

/** Cross-field rules Amazon MQ enforces at create time, and the environment's availability rule. */
export function validateMessaging(mq: MessagingConfig, ctx: Pick<AreaContext, "environment" | "environmentKnown" | "stack">, areaKey: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!mq.enabled) return problems;
  // The broker is named after the stack (stacks/messaging.ts).
  const brokerName = brokerNameOf(ctx.stack);
  if (!MQ_BROKER_NAME_RE.test(brokerName)) {
    problems.push({ key: `${areaKey}.enabled`, value: true, problem: `would name the broker ${brokerName}, which Amazon MQ rejects (1..50 letters, digits, '-' and '_')`, fix: "use a shorter stack name with letters, digits and '-' only, or set enabled: false" });
  }
  const type = mq.hostInstanceType;
  if (MQ_RABBITMQ_M7G_ONLY_VERSIONS.includes(mq.engineVersion) && !type.startsWith("mq.m7g.")) {
    problems.push({ key: `${areaKey}.hostInstanceType`, value: type, problem: `does not run RabbitMQ ${mq.engineVersion} (Amazon MQ offers it on mq.m7g only)`, fix: 'use an mq.m7g type, e.g. mq.m7g.large, or engineVersion "3.13"' });
  }
  if (mq.deploymentMode === "CLUSTER_MULTI_AZ" && MQ_SINGLE_INSTANCE_ONLY_TYPES.includes(type)) {
    problems.push({ key: `${areaKey}.hostInstanceType`, value: type, problem: "does not support cluster deployment (CLUSTER_MULTI_AZ)", fix: "use mq.m7g.large or larger, or deploymentMode SINGLE_INSTANCE" });
  }
  const seen = new Map<string, string>();
  for (const [app, user] of Object.entries(mq.users)) {
    if (!APP_KEY_RE.test(app)) problems.push({ key: `${areaKey}.users.${app}`, value: app, problem: "is not an application key", fix: "use a lowercase DNS label, e.g. trading-api" });
    if (user.username === mq.adminUsername) {
      problems.push({ key: `${areaKey}.users.${app}.username`, value: user.username, problem: "is the administrator's user name", fix: "give every application its own user" });
    }
    const other = seen.get(user.username);
    if (other !== undefined) problems.push({ key: `${areaKey}.users.${app}.username`, value: user.username, problem: `is also the user of ${other}`, fix: "give every application its own user" });
    seen.set(user.username, app);
  }
  if (ctx.environment === "prod" && ctx.environmentKnown !== false) {
    if (mq.deploymentMode !== "CLUSTER_MULTI_AZ") {
      problems.push({ key: `${areaKey}.deploymentMode`, value: mq.deploymentMode, problem: "is a single broker in one AZ, a single point of failure prod does not accept", fix: "use CLUSTER_MULTI_AZ (three nodes across AZs)" });
    }
    if (MQ_EVALUATION_TYPES.includes(type)) {
      problems.push({ key: `${areaKey}.hostInstanceType`, value: type, problem: "is an evaluation size (AWS recommends it for testing only)", fix: "use mq.m7g.large or larger in prod" });
    }
  }
  return problems;
}

/** The broker's name for a stack: `entasis-<stack>-rabbitmq`. */
export function brokerNameOf(stack: string): string {
  return `entasis-${stack}-rabbitmq`;
}
