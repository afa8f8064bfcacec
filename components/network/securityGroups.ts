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
 * The spec's security groups, rule for rule. Every rule between tiers references a group, never
 * a CIDR; only the frontend is open to the internet, and only on 80/443.
 * Egress is explicit too: the application tier (EKS nodes) needs the internet for images, AWS
 * APIs and exchange APIs; the database tier needs nothing.
 */
export const SPEC_RULES: readonly SecurityRule[] = [
  { direction: "ingress", group: "frontend", port: 80, peer: { cidrIpv4: "0.0.0.0/0" }, description: "HTTP from the internet (redirected to HTTPS)" },
  { direction: "ingress", group: "frontend", port: 80, peer: { cidrIpv6: "::/0" }, description: "HTTP from the internet over IPv6" },
  { direction: "ingress", group: "frontend", port: 443, peer: { cidrIpv4: "0.0.0.0/0" }, description: "HTTPS from the internet" },
  { direction: "ingress", group: "frontend", port: 443, peer: { cidrIpv6: "::/0" }, description: "HTTPS from the internet over IPv6" },
  { direction: "egress", group: "frontend", port: 8080, peer: { group: "application" }, description: "Load balancer to trading-api targets" },
  { direction: "ingress", group: "application", port: 8080, peer: { group: "frontend" }, description: "trading-api from the load balancer" },
  { direction: "ingress", group: "application", port: 9000, peer: { group: "monitoring" }, description: "Metrics scrape from monitoring" },
  { direction: "egress", group: "application", port: "all", peer: { cidrIpv4: "0.0.0.0/0" }, description: "Nodes to ECR, AWS APIs and exchange APIs" },
  { direction: "ingress", group: "database", port: 5432, peer: { group: "application" }, description: "PostgreSQL from the application tier" },
  { direction: "ingress", group: "database", port: 6379, peer: { group: "application" }, description: "Redis from the application tier" },
  { direction: "egress", group: "monitoring", port: 9000, peer: { group: "application" }, description: "Metrics scrape of the application tier" },
];

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
