import { z } from "zod";
import { contains, formatCidr, overlaps, parseCidr, sizeOf } from "../../lib/cidr";
import { AZ_LETTERS, INSTANCE_TYPE_RE, LOG_RETENTION_DAYS, VPC_MAX_PREFIX, VPC_MIN_PREFIX } from "../../lib/awsLimits";
import { SUBNET_TIERS, SubnetTier, carveSubnets, reservedAddresses } from "../../lib/subnetPlan";
import { ConfigProblem, issue } from "./problems";

export const NAT_STRATEGIES = ["single", "one-per-az", "none"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  message: issue("is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set)", "use e.g. 10.10.0.0/16"),
});

const logRetention = z
  .number()
  .int()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: issue(`is not a CloudWatch Logs retention (allowed: ${LOG_RETENTION_DAYS.join(", ")})`, "pick the nearest allowed value, e.g. 30"),
  });

const prefix = z.number().int().min(VPC_MIN_PREFIX).max(VPC_MAX_PREFIX);

const vpcCidr = cidr.refine((v) => {
  const c = parseCidr(v);
  return c === undefined || (c.prefix >= VPC_MIN_PREFIX && c.prefix <= VPC_MAX_PREFIX);
}, { message: issue(`is outside ${VPC_MIN_PREFIX}..${VPC_MAX_PREFIX} (AWS VPC size)`, `use a /${VPC_MIN_PREFIX} to /${VPC_MAX_PREFIX} block, e.g. 10.10.0.0/16`) });

export const networkSchema = z.strictObject({
  /** VPC IPv4 block, /16../28. */
  cidr: vpcCidr,
  /** AZ names in the stack's region; a subnet of every tier is made in each (2..6). */
  availabilityZones: z.array(z.string()).min(2).max(6),
  /** Egress for private subnets: one NAT gateway for the VPC (cheap), one per AZ (HA), or none. */
  natStrategy: z.enum(NAT_STRATEGIES),
  /** Prefix length of each tier's subnets. Default public /24, private /19, database /24. */
  subnetPrefixes: z.strictObject({ public: prefix, private: prefix, database: prefix }),
  /** Explicit subnet CIDRs per tier, keyed by AZ; carving fills the rest. Default none. */
  subnets: z
    .strictObject({
      public: z.record(z.string(), cidr).optional(),
      private: z.record(z.string(), cidr).optional(),
      database: z.record(z.string(), cidr).optional(),
    })
    .optional(),
  flowLogs: z.strictObject({
    /** Default true. */
    enabled: z.boolean(),
    /** Default 30 (dev) / 365 (prod). */
    retentionDays: logRetention,
    /** Default ALL. */
    trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]),
  }),
  bastion: z.strictObject({
    /** Default true. */
    enabled: z.boolean(),
    /** Default t3.micro. */
    instanceType: z.string().regex(INSTANCE_TYPE_RE, { message: issue("is not an EC2 instance type", "use e.g. t3.micro") }),
  }),
  /** Optional peering to another VPC (same or other account/region). */
  peering: z
    .strictObject({
      peerVpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: issue("is not a VPC ID", "use the peer's vpc-xxxxxxxx ID") }),
      peerCidr: cidr,
      /** Default: this account. */
      peerOwnerId: z.string().regex(/^\d{12}$/, { message: issue("is not a 12-digit AWS account ID", "use the peer VPC owner's account ID") }).optional(),
      /** Default: this stack's region. */
      peerRegion: z.string().optional(),
    })
    .optional(),
});

export type NetworkConfig = z.infer<typeof networkSchema>;

/**
 * Checks that need more than one field: AZs belong to the region and are carvable, tier subnets
 * fit inside the VPC and do not overlap each other or the peer VPC.
 */
export function validateNetwork(net: NetworkConfig, region: string, areaKey = "entasis:network"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const vpc = parseCidr(net.cidr);
  if (!vpc) return problems; // reported by the schema

  net.availabilityZones.forEach((az, i) => {
    const key = `${areaKey}.availabilityZones[${i}]`;
    if (!az.startsWith(region) || az.length !== region.length + 1 || !AZ_LETTERS.includes(az.slice(-1))) {
      problems.push({ key, value: az, problem: `is not an availability zone of ${region} with a letter ${AZ_LETTERS[0]}..${AZ_LETTERS.slice(-1)}`, fix: `use e.g. ${region}a` });
    } else if (net.availabilityZones.indexOf(az) !== i) {
      problems.push({ key, value: az, problem: "is listed twice", fix: "list each AZ once" });
    }
  });

  for (const tier of SUBNET_TIERS) {
    if (net.subnetPrefixes[tier] <= vpc.prefix) {
      problems.push({
        key: `${areaKey}.subnetPrefixes.${tier}`,
        value: net.subnetPrefixes[tier],
        problem: `must be longer than the VPC prefix /${vpc.prefix}`,
        fix: `use a value between ${vpc.prefix + 1} and ${VPC_MAX_PREFIX}`,
      });
    }
  }
  if (problems.length > 0) return problems;

  const explicit: { key: string; tier: SubnetTier; az: string; text: string }[] = [];
  for (const tier of SUBNET_TIERS) {
    for (const [az, text] of Object.entries(net.subnets?.[tier] ?? {})) {
      const key = `${areaKey}.subnets.${tier}.${az}`;
      if (!net.availabilityZones.includes(az)) {
        problems.push({ key, value: text, problem: `is for ${az}, which is not in availabilityZones`, fix: "key explicit subnets by one of the configured AZs" });
      }
      explicit.push({ key, tier, az, text });
    }
  }

  const plan = carveSubnets({ vpcCidr: net.cidr, availabilityZones: net.availabilityZones, prefixes: net.subnetPrefixes, overrides: net.subnets });
  if (!plan) {
    problems.push({
      key: `${areaKey}.subnetPrefixes`,
      value: net.subnetPrefixes,
      problem: `reserves ${reservedAddresses(net.subnetPrefixes)} addresses (6 AZ slots per tier) but ${net.cidr} has ${sizeOf(vpc)}`,
      fix: "use longer subnet prefixes or a larger VPC CIDR",
    });
    return problems;
  }

  const placed = SUBNET_TIERS.flatMap((tier) =>
    net.availabilityZones.map((az) => ({
      tier,
      az,
      text: plan[tier][az],
      key: explicit.find((e) => e.tier === tier && e.az === az)?.key ?? `${areaKey}.subnetPrefixes.${tier} (carved for ${az})`,
    })),
  );
  for (const s of placed) {
    const block = parseCidr(s.text);
    if (block && !contains(vpc, block)) {
      problems.push({ key: s.key, value: s.text, problem: `is outside the VPC ${formatCidr(vpc)}`, fix: `pick a block inside ${formatCidr(vpc)}` });
    }
  }
  const isExplicit = (s: { tier: SubnetTier; az: string }): boolean => explicit.some((e) => e.tier === s.tier && e.az === s.az);
  placed.forEach((a, i) => {
    placed.slice(i + 1).forEach((b) => {
      const x = parseCidr(a.text);
      const y = parseCidr(b.text);
      if (x && y && overlaps(x, y)) {
        // Blame the subnet somebody wrote down, not the one carving derived.
        const [blamed, other] = isExplicit(a) && !isExplicit(b) ? [a, b] : [b, a];
        problems.push({ key: blamed.key, value: blamed.text, problem: `overlaps ${other.tier} subnet ${other.text} in ${other.az}`, fix: "give every subnet its own block" });
      }
    });
  });

  if (net.bastion.enabled && net.natStrategy === "none") {
    problems.push({ key: `${areaKey}.bastion.enabled`, value: true, problem: 'needs outbound HTTPS to reach SSM, but natStrategy is "none"', fix: 'use natStrategy "single" or disable the bastion' });
  }

  if (net.peering) {
    const peer = parseCidr(net.peering.peerCidr);
    if (peer && overlaps(peer, vpc)) {
      problems.push({ key: `${areaKey}.peering.peerCidr`, value: net.peering.peerCidr, problem: `overlaps this VPC ${net.cidr}`, fix: "peered VPCs need disjoint CIDRs (AWS rejects the peering otherwise)" });
    }
  }
  return problems;
}
