import { z } from "zod";
import { ConfigProblem, issue } from "./problems";

/** `org/project/stack`, as `pulumi stack ls --all` prints it. */
const STACK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A DNS name of at least two labels, lower case, no trailing dot. */
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Route 53 health-check limits: a standard check every 30 s, a fast one every 10 s; 1..10 failures
 * before the endpoint counts as unhealthy.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
export const HEALTH_CHECK_INTERVALS = [10, 30] as const;
export const HEALTH_CHECK_FAILURE_THRESHOLD = { min: 1, max: 10 } as const;

/** Areas the standby's `fullSize` may override when promoted (partial `entasis:<area>` values). */
export const FULL_SIZE_AREAS = ["cluster", "data", "workloads", "timeseries", "messaging", "collectors", "backup"] as const;

/** The DNS names both regions serve and how fast Route 53 moves them (docs/failover.md). */
export const failoverDnsSchema = z.strictObject({
  /** Route 53 public hosted zone that holds the names (e.g. `Z0123456789ABCDEFGHIJ`). Default none. */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: issue("is not a Route 53 hosted zone id", "copy it from `aws route53 list-hosted-zones` (e.g. Z0123456789ABCDEFGHIJ)") }),
  /** The zone's name, e.g. `example.com`; every host name must be inside it. Default none. */
  zoneName: z.string().regex(HOST_RE, { message: issue("is not a DNS zone name", "use e.g. example.com (no trailing dot)") }),
  /** REST API host name, e.g. `api.example.com`. Default none. */
  apiHost: z.string().regex(HOST_RE, { message: issue("is not a host name", "use e.g. api.example.com") }),
  /** WebSocket host name, e.g. `ws.example.com`. Default none. */
  websocketHost: z.string().regex(HOST_RE, { message: issue("is not a host name", "use e.g. ws.example.com") }),
  /** TTL of the failover records (seconds): what resolvers may cache after a switch. Default 60. */
  ttlSeconds: z.number().int().min(5).max(300).default(60),
  /** Route 53 health check of the primary's public endpoint (the ALB). */
  healthCheck: z
    .strictObject({
      /** Seconds between checks: 10 (fast) or 30. Default 10. */
      intervalSeconds: z.union([z.literal(10), z.literal(30)]).default(10),
      /** Consecutive failures before the primary counts as down. Default 3. */
      failureThreshold: z.number().int().min(HEALTH_CHECK_FAILURE_THRESHOLD.min).max(HEALTH_CHECK_FAILURE_THRESHOLD.max).default(3),
      /** HTTPS path checked (trading-api's `/health` through the ALB). Default `/health`. */
      path: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, { message: issue("is not an absolute URL path", "use e.g. /health") }).default("/health"),
    })
    .default({ intervalSeconds: 10, failureThreshold: 3, path: "/health" }),
});

/**
 * `entasis:failover`: this stack is one half of a multi-region pair. The primary serves and is
 * health-checked; the standby runs in the DR region at its minimum with replicas of the primary's
 * data, and becomes the primary when `promoted` is flipped to true (docs/failover.md).
 */
export const failoverSchema = z.strictObject({
  /** `primary` (serves; PRIMARY DNS records with a health check) or `standby` (SECONDARY records, replicas). Default none. */
  role: z.enum(["primary", "standby"]),
  /** Standby only: fully qualified name of the primary platform stack whose outputs name the replication sources. Default none. */
  primaryStack: z.string().regex(STACK_NAME_RE, { message: issue("is not a fully qualified stack name", "use <org>/entasis-infra/<stack>, e.g. entasis/entasis-infra/prod") }).optional(),
  /** Standby only: the primary's region, which nothing of the standby may depend on except replication sources. Default none. */
  primaryRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: issue("is not an AWS region", "use e.g. ap-northeast-2") }).optional(),
  /** Standby only: the switch. false = replicas and minimum sizes; true = replicas promoted, `fullSize` applied. Default false. */
  promoted: z.boolean().optional(),
  /** Standby only: `entasis:<area>` values merged over the stack's own when promoted (the full size). Default none. */
  fullSize: z.partialRecord(z.enum(FULL_SIZE_AREAS), z.record(z.string(), z.unknown())).optional(),
  dns: failoverDnsSchema,
});
export type FailoverConfig = z.infer<typeof failoverSchema>;
export type FailoverDnsConfig = z.infer<typeof failoverDnsSchema>;

/** The hosted zone id in the committed stack files: previews run with it, `pulumi up` refuses it. */
export const PLACEHOLDER_HOSTED_ZONE_ID = "Z0000000000PLACEHOLDER";

/** What a failover check needs of the rest of the stack's configuration. */
export interface FailoverContext {
  /** True for `pulumi up` (placeholders refused). Default false. */
  readonly deploying?: boolean;
  /** `entasis:backup.drRegion`, when set. */
  readonly drRegion?: string;
  /** True when entasis:backup.drRegion already has a problem (reported once). */
  readonly drRegionReported?: boolean;
  /** `entasis:edge.scheme`. */
  readonly edgeScheme?: string;
  /** `entasis:edge.allowedCidrs`. */
  readonly edgeAllowedCidrs?: readonly string[];
  /** `aws:region`. */
  readonly region: string;
}

/** Cross-field checks of `entasis:failover` (run only when it parsed). Pure. */
export function validateFailover(f: FailoverConfig, ctx: FailoverContext, areaKey = "entasis:failover"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const inZone = (host: string): boolean => host === f.dns.zoneName || host.endsWith(`.${f.dns.zoneName}`);
  for (const key of ["apiHost", "websocketHost"] as const) {
    if (!inZone(f.dns[key])) problems.push({ key: `${areaKey}.dns.${key}`, value: f.dns[key], problem: `is not inside the hosted zone ${f.dns.zoneName}`, fix: `use a name ending in .${f.dns.zoneName}, or fix entasis:failover.dns.zoneName` });
  }
  if (ctx.deploying === true && f.dns.hostedZoneId === PLACEHOLDER_HOSTED_ZONE_ID) {
    problems.push({ key: `${areaKey}.dns.hostedZoneId`, value: f.dns.hostedZoneId, problem: "is the placeholder of the committed stack files", fix: "set your public hosted zone's id and names in both stacks of the pair (aws route53 list-hosted-zones; docs/failover.md)" });
  }
  if (f.dns.apiHost === f.dns.websocketHost) problems.push({ key: `${areaKey}.dns.websocketHost`, value: f.dns.websocketHost, problem: "is the same name as dns.apiHost", fix: "give the WebSocket endpoint its own name (e.g. ws.<zone>), so each gets its own failover record pair" });
  if (ctx.edgeScheme !== undefined && ctx.edgeScheme !== "internet-facing") {
    problems.push({ key: "entasis:edge.scheme", value: ctx.edgeScheme, problem: "is not internet-facing, so Route 53's health checkers cannot reach the ALB and public DNS would point at a private address", fix: "set entasis:edge.scheme to internet-facing, or remove entasis:failover" });
  }
  if (f.role === "primary") {
    for (const key of ["primaryStack", "primaryRegion", "promoted", "fullSize"] as const) {
      if (f[key] !== undefined) problems.push({ key: `${areaKey}.${key}`, value: f[key], problem: "is a standby setting, but role is primary", fix: `remove ${key} from the primary stack's file` });
    }
    // Route 53's health checkers must reach the ALB, or the primary counts as down while it serves.
    // Their addresses: service ROUTE53_HEALTHCHECKS of https://ip-ranges.amazonaws.com/ip-ranges.json
    if (ctx.edgeAllowedCidrs !== undefined && !ctx.edgeAllowedCidrs.includes("0.0.0.0/0")) {
      problems.push({ key: "entasis:edge.allowedCidrs", value: ctx.edgeAllowedCidrs, problem: "admits only some sources, so Route 53's health checkers may not reach the ALB and DNS would fail over while the primary serves", fix: "allow 0.0.0.0/0 on the primary's ALB: the health checkers' ranges (ROUTE53_HEALTHCHECKS in ip-ranges.json, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/route-53-ip-addresses.html) change over time" });
    }
    // The standby's TimescaleDB replays the DR copy of this stack's WAL archive.
    if (ctx.drRegion === undefined && ctx.drRegionReported !== true) problems.push({ key: "entasis:backup.drRegion", value: undefined, problem: "is unset on a failover primary: the standby replays the DR-region copy of the WAL archive", fix: "set entasis:backup.drRegion to the standby's region (e.g. ap-northeast-1)" });
    return problems;
  }
  if (f.primaryStack === undefined) problems.push({ key: `${areaKey}.primaryStack`, value: undefined, problem: "is required on a standby (its replicas' sources are the primary stack's outputs)", fix: "set it to the primary's fully qualified stack name, e.g. entasis/entasis-infra/prod" });
  if (f.primaryRegion === undefined) problems.push({ key: `${areaKey}.primaryRegion`, value: undefined, problem: "is required on a standby (the region it stands in for, which it must not depend on)", fix: "set it to the primary stack's aws:region, e.g. ap-northeast-2" });
  else if (f.primaryRegion === ctx.region) problems.push({ key: `${areaKey}.primaryRegion`, value: f.primaryRegion, problem: "is the standby's own region, so one regional outage takes both", fix: "deploy the standby in another region (aws:region), e.g. ap-northeast-1" });
  if (ctx.drRegion !== undefined) {
    if (f.promoted !== true) {
      // A waiting standby is itself the DR copy of the primary: its database is a replica without
      // automated backups of its own, which RDS cannot replicate further.
      problems.push({ key: "entasis:backup.drRegion", value: ctx.drRegion, problem: "is set on a standby that is not promoted: its database is a read replica with no automated backups to copy", fix: "remove it from the standby's file and put it in entasis:failover.fullSize.backup.drRegion (a region other than the primary's)" });
    } else if (ctx.drRegion === f.primaryRegion) {
      problems.push({ key: "entasis:backup.drRegion", value: ctx.drRegion, problem: "is the failed primary's region: the promoted standby's copies would depend on the region it replaces", fix: "use a third region (e.g. ap-southeast-1) until failback" });
    }
  }
  return problems;
}

/**
 * prod's high-availability minimums a standby may stay below, and when. A waiting standby runs at
 * its minimum by design: it is itself the DR copy (no DR region of its own) and its TimescaleDB is
 * one replica instance replaying the archive. Its `fullSize` must meet every minimum once promoted
 * (validateStackConfig validates the promoted configuration too). The broker stays one node in
 * both states: Amazon MQ cannot turn a single-instance broker into a cluster without replacing it
 * (15-30 min, longer than the RTO); a promoted standby moves to a cluster in a planned change.
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-broker-architecture.html
 */
export const STANDBY_WAIVERS: readonly { readonly key: string; readonly prefix: string; readonly whilePromoted: boolean }[] = [
  { key: "backup.drRegion", prefix: "is required in prod", whilePromoted: false },
  { key: "timeseries.instances", prefix: "is below 3 in prod", whilePromoted: false },
  { key: "timeseries.synchronousReplicas", prefix: "is 0 in prod", whilePromoted: false },
  { key: "timeseries.pooler.instances", prefix: "is below 2 in prod", whilePromoted: false },
  { key: "messaging.deploymentMode", prefix: "is a single broker in one AZ", whilePromoted: true },
];

/** Drops the problems STANDBY_WAIVERS admits for this standby, and nothing else. */
export function waiveStandbyMinimums(problems: readonly ConfigProblem[], f: FailoverConfig | undefined, namespace = "entasis"): ConfigProblem[] {
  if (f?.role !== "standby") return [...problems];
  const waiting = f.promoted !== true;
  return problems.filter((p) => !STANDBY_WAIVERS.some((w) => (waiting || w.whilePromoted) && p.key === `${namespace}:${w.key}` && p.problem.startsWith(w.prefix)));
}

/** True when `entasis:failover` makes this stack a standby that has not been promoted. */
export function isWaitingStandby(f: FailoverConfig | undefined): boolean {
  return f?.role === "standby" && f.promoted !== true;
}
