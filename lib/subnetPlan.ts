import { Ipv4Cidr, formatCidr, nthBlock, parseCidr, sizeOf } from "./cidr";
import { AZ_LETTERS } from "./awsLimits";

export const SUBNET_TIERS = ["public", "private", "database"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/**
 * Order in which tiers take their region of the VPC. Private comes first because it is the
 * largest (EKS pods take VPC addresses through the VPC CNI) and so stays aligned.
 * Changing this order moves every subnet: never change it for an existing stack.
 */
const CARVING_ORDER: readonly SubnetTier[] = ["private", "public", "database"];

/** Each tier reserves one slot per possible AZ letter so adding an AZ later never moves a subnet. */
export const SLOTS_PER_TIER = AZ_LETTERS.length;

export interface SubnetPlanInput {
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly prefixes: Readonly<Record<SubnetTier, number>>;
  /** Explicit CIDRs per tier and AZ; they win over carving. */
  readonly overrides?: Readonly<Partial<Record<SubnetTier, Readonly<Record<string, string>>>>>;
}

export type SubnetPlan = Readonly<Record<SubnetTier, Readonly<Record<string, string>>>>;

/** Slot of an AZ inside its tier's region: the AZ letter (ap-northeast-2c -> 2). */
export function azSlot(az: string): number {
  return AZ_LETTERS.indexOf(az.slice(-1));
}

/**
 * Deterministic carving: tier regions in CARVING_ORDER, each aligned to its block size and
 * SLOTS_PER_TIER blocks long; an AZ's subnet is the block at its letter's slot.
 * Returns undefined when the reserved regions do not fit in the VPC (the validator reports why).
 */
export function carveSubnets(input: SubnetPlanInput): SubnetPlan | undefined {
  const vpc = parseCidr(input.vpcCidr);
  if (!vpc) return undefined;
  const regions = tierRegions(vpc, input.prefixes);
  if (!regions) return undefined;
  const plan: Record<SubnetTier, Record<string, string>> = { public: {}, private: {}, database: {} };
  for (const tier of SUBNET_TIERS) {
    for (const az of input.availabilityZones) {
      const explicit = input.overrides?.[tier]?.[az];
      plan[tier][az] = explicit ?? formatCidr(nthBlock(regions[tier], input.prefixes[tier], azSlot(az)));
    }
  }
  return plan;
}

/** Start of each tier's region, or undefined when the regions overflow the VPC. */
export function tierRegions(vpc: Ipv4Cidr, prefixes: Readonly<Record<SubnetTier, number>>): Record<SubnetTier, Ipv4Cidr> | undefined {
  let offset = 0;
  const out: Partial<Record<SubnetTier, Ipv4Cidr>> = {};
  for (const tier of CARVING_ORDER) {
    const block = 2 ** (32 - prefixes[tier]);
    offset = Math.ceil(offset / block) * block;
    out[tier] = { network: (vpc.network + offset) >>> 0, prefix: prefixes[tier] };
    offset += block * SLOTS_PER_TIER;
  }
  if (offset > sizeOf(vpc)) return undefined;
  return out as Record<SubnetTier, Ipv4Cidr>;
}

/** Addresses the carving reserves, to explain an overflow. */
export function reservedAddresses(prefixes: Readonly<Record<SubnetTier, number>>): number {
  const vpcSized = tierRegions({ network: 0, prefix: 0 }, prefixes);
  if (!vpcSized) return Number.POSITIVE_INFINITY;
  const last = CARVING_ORDER[CARVING_ORDER.length - 1];
  return vpcSized[last].network + 2 ** (32 - prefixes[last]) * SLOTS_PER_TIER;
}
