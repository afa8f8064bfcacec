import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

export const SECURITY_GROUP_ROLES = ["frontend", "application", "database", "monitoring"] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];

/** A rule as the spec writes it: a port and a source, which is a peer group or the internet. */
export interface SecurityRule {
  readonly direction: "ingress" | "egress";
  readonly group: SecurityGroupRole;
  readonly port: number | "all";
  /** Peer group, or an internet CIDR. */
  readonly peer: { readonly group: SecurityGroupRole } | { readonly cidrIpv4: string } | { readonly cidrIpv6: string };
  readonly description: string;
}

/**
 * The spec's security groups between tiers. Every rule between tiers references a group, never a
 * CIDR. Egress is explicit too: the application tier (EKS nodes) needs the internet for images,
 * AWS APIs and exchange APIs; the database tier needs nothing. The frontend's ingress depends on
 * how the load balancer is exposed (frontendIngressRules).
 */
export const TIER_RULES: readonly SecurityRule[] = [
  { direction: "egress", group: "frontend", port: 8080, peer: { group: "application" }, description: "Load balancer to trading-api targets" },
  { direction: "ingress", group: "application", port: 8080, peer: { group: "frontend" }, description: "trading-api from the load balancer" },
  { direction: "ingress", group: "application", port: 9000, peer: { group: "monitoring" }, description: "Metrics scrape from monitoring" },
  { direction: "egress", group: "application", port: "all", peer: { cidrIpv4: "0.0.0.0/0" }, description: "Nodes to ECR, AWS APIs and exchange APIs" },
  { direction: "ingress", group: "database", port: 5432, peer: { group: "application" }, description: "PostgreSQL from the application tier" },
  { direction: "ingress", group: "database", port: 6379, peer: { group: "application" }, description: "Redis from the application tier" },
  { direction: "egress", group: "monitoring", port: 9000, peer: { group: "application" }, description: "Metrics scrape of the application tier" },
];

/** How the load balancer behind the frontend group is exposed. */
export interface FrontendExposure {
  /** An HTTPS listener exists and port 80 only redirects to it. */
  readonly tls: boolean;
  /** IPv4 source CIDRs admitted (validated: never 0.0.0.0/0 without TLS). */
  readonly sourceCidrs: readonly string[];
  /** The ALB is dual-stack (ipAddressType `dualstack`): only then is ::/0 admitted, next to 0.0.0.0/0. */
  readonly dualStack: boolean;
}

/**
 * The frontend's ingress: 80 and 443 from the sources with TLS (80 only answers with a redirect),
 * 80 alone without TLS. Descriptions say what each rule really does.
 */
export function frontendIngressRules(e: FrontendExposure): SecurityRule[] {
  const sources: SecurityRule["peer"][] = e.sourceCidrs.map((cidrIpv4) => ({ cidrIpv4 }));
  if (e.dualStack && e.sourceCidrs.includes("0.0.0.0/0")) sources.push({ cidrIpv6: "::/0" });
  const from = (peer: SecurityRule["peer"]): string =>
    "cidrIpv4" in peer ? (peer.cidrIpv4 === "0.0.0.0/0" ? "the internet" : peer.cidrIpv4) : "cidrIpv6" in peer ? (peer.cidrIpv6 === "::/0" ? "the internet over IPv6" : peer.cidrIpv6) : peer.group;
  return sources.flatMap((peer): SecurityRule[] =>
    e.tls
      ? [
          { direction: "ingress", group: "frontend", port: 80, peer, description: `HTTP from ${from(peer)}, answered only with a redirect to HTTPS` },
          { direction: "ingress", group: "frontend", port: 443, peer, description: `HTTPS from ${from(peer)}` },
        ]
      : [{ direction: "ingress", group: "frontend", port: 80, peer, description: `Plain HTTP (no TLS) from ${from(peer)} only` }],
  );
}

/** The spec's rules with an internet-facing, TLS-terminating, IPv4 ALB: its frontend open on 80/443 to the internet. */
export const SPEC_RULES: readonly SecurityRule[] = [...frontendIngressRules({ tls: true, sourceCidrs: ["0.0.0.0/0"], dualStack: false }), ...TIER_RULES];

export interface SecurityGroupsArgs {
  readonly namePrefix: string;
  readonly vpcId: pulumi.Input<string>;
  /** Rules to create. Default SPEC_RULES. */
  readonly rules?: readonly SecurityRule[];
  readonly tags: Tags;
}

/** Stable identity of a rule: group, direction, port and peer (never the position in the list). */
export function ruleKey(r: SecurityRule): string {
  const peer = "group" in r.peer ? r.peer.group : "cidrIpv4" in r.peer ? (r.peer.cidrIpv4 === "0.0.0.0/0" ? "anywhere-v4" : r.peer.cidrIpv4) : r.peer.cidrIpv6 === "::/0" ? "anywhere-v6" : r.peer.cidrIpv6;
  return `${r.group}-${r.direction === "ingress" ? "in" : "out"}-${r.port}-${peer}`.replace(/[^a-zA-Z0-9-]/g, "-");
}

export class SecurityGroups extends pulumi.ComponentResource {
  public readonly groups: Readonly<Record<SecurityGroupRole, aws.ec2.SecurityGroup>>;
  public readonly ids: Readonly<Record<SecurityGroupRole, pulumi.Output<string>>>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:network:SecurityGroups", name, {}, opts);
    const rules = args.rules ?? SPEC_RULES;
    const descriptions: Record<SecurityGroupRole, string> = {
      // Kept as first created: a security group description can only change by replacement.
      frontend: "Internet-facing load balancers",
      application: "EKS nodes running the application tier",
      database: "PostgreSQL and Redis",
      monitoring: "Metrics collectors",
    };

    const groups = {} as Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
    for (const role of SECURITY_GROUP_ROLES) {
      // No inline rules: the standalone rule resources below own them, and an SG created by
      // Pulumi starts with no egress (the provider removes AWS's allow-all default).
      groups[role] = new aws.ec2.SecurityGroup(
        `${name}-${role}`,
        { vpcId: args.vpcId, description: `${args.namePrefix} ${descriptions[role]}`, tags: named(args.tags, `${args.namePrefix}-${role}`, { Tier: role }) },
        { parent: this },
      );
    }

    for (const r of rules) {
      const key = ruleKey(r);
      const common = {
        securityGroupId: groups[r.group].id,
        description: r.description,
        ipProtocol: r.port === "all" ? "-1" : "tcp",
        fromPort: r.port === "all" ? undefined : r.port,
        toPort: r.port === "all" ? undefined : r.port,
        referencedSecurityGroupId: "group" in r.peer ? groups[r.peer.group].id : undefined,
        cidrIpv4: "cidrIpv4" in r.peer ? r.peer.cidrIpv4 : undefined,
        cidrIpv6: "cidrIpv6" in r.peer ? r.peer.cidrIpv6 : undefined,
        tags: named(args.tags, `${args.namePrefix}-${key}`),
      };
      if (r.direction === "ingress") new aws.vpc.SecurityGroupIngressRule(`${name}-${key}`, common, { parent: this });
      else new aws.vpc.SecurityGroupEgressRule(`${name}-${key}`, common, { parent: this });
    }

    this.groups = groups;
    this.ids = { frontend: groups.frontend.id, application: groups.application.id, database: groups.database.id, monitoring: groups.monitoring.id };
    this.registerOutputs({ ids: this.ids });
  }
}
