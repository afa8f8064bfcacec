import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

/** Route 53's failover sides: the primary answers while healthy, the secondary otherwise. */
export type FailoverSide = "PRIMARY" | "SECONDARY";

/** What Route 53 checks on the primary's public endpoint. */
export interface FailoverHealthCheckArgs {
  /** The endpoint's own DNS name (the ALB's, never a name the failover records serve: that would check itself). */
  readonly fqdn: pulumi.Input<string>;
  /** HTTPS (443) when the ALB has a certificate, HTTP (80) otherwise. */
  readonly protocol: "HTTPS" | "HTTP";
  /** Path checked, e.g. `/health`. */
  readonly path: string;
  /** 10 (fast) or 30 seconds. */
  readonly intervalSeconds: 10 | 30;
  /** Consecutive failures before the endpoint is unhealthy (1..10). */
  readonly failureThreshold: number;
}

export interface FailoverDnsArgs {
  readonly namePrefix: string;
  /** Route 53 hosted zone holding the names. */
  readonly hostedZoneId: string;
  /** Host names served from both regions, by a stable key (`api`, `websocket`). */
  readonly hosts: Readonly<Record<string, string>>;
  /** This stack's side. */
  readonly side: FailoverSide;
  /** Distinguishes this stack's records from the other side's in the same record set (the stack name). */
  readonly setIdentifier: string;
  /** DNS name the records point at: this stack's ALB. */
  readonly target: pulumi.Input<string>;
  /** TTL of the records (seconds). */
  readonly ttlSeconds: number;
  /** PRIMARY only: the health check that decides whether the primary answers. Default none. */
  readonly healthCheck?: FailoverHealthCheckArgs;
  readonly tags: Tags;
}

/**
 * One side of Route 53 failover routing for the platform's public names: a CNAME per host name to
 * this stack's ALB with a failover routing policy. The PRIMARY side carries a health check of the
 * primary's ALB; while it fails, Route 53 answers with the SECONDARY record (the standby's ALB).
 * CNAMEs rather than alias records so the configured TTL bounds what resolvers cache (an alias
 * takes the target's TTL). A SECONDARY record without a health check counts as healthy.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-types.html
 */
export class FailoverDns extends pulumi.ComponentResource {
  /** Present on the PRIMARY side. */
  public readonly healthCheck?: aws.route53.HealthCheck;
  /** Records by host key. */
  public readonly records: Readonly<Record<string, aws.route53.Record>>;

  constructor(name: string, args: FailoverDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:edge:FailoverDns", name, {}, opts);
    const hc = args.healthCheck;
    if (hc && args.side !== "PRIMARY") throw new pulumi.RunError("a failover health check belongs to the PRIMARY side");
    this.healthCheck = hc
      ? new aws.route53.HealthCheck(
          `${name}-primary-health`,
          {
            type: hc.protocol,
            fqdn: hc.fqdn,
            port: hc.protocol === "HTTPS" ? 443 : 80,
            resourcePath: hc.path,
            requestInterval: hc.intervalSeconds,
            failureThreshold: hc.failureThreshold,
            // The ALB's default certificate is for the public names, not its own; Route 53 does not
            // validate certificates, SNI only picks one.
            enableSni: hc.protocol === "HTTPS",
            tags: named(args.tags, `${args.namePrefix}-primary-health`),
          },
          { parent: this },
        )
      : undefined;

    const records: Record<string, aws.route53.Record> = {};
    for (const [key, host] of Object.entries(args.hosts)) {
      records[key] = new aws.route53.Record(
        `${name}-${key}`,
        {
          zoneId: args.hostedZoneId,
          name: host,
          type: "CNAME",
          ttl: args.ttlSeconds,
          records: [args.target],
          setIdentifier: `${args.setIdentifier}-${key}`,
          failoverRoutingPolicies: [{ type: args.side }],
          healthCheckId: this.healthCheck?.id,
        },
        { parent: this },
      );
    }
    this.records = records;
    this.registerOutputs({ healthCheckId: this.healthCheck?.id, records: Object.fromEntries(Object.entries(records).map(([k, r]) => [k, r.fqdn])) });
  }
}
