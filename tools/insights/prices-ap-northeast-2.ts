/**
 * Dated price table for ap-northeast-2 (Seoul), USD, on-demand, Linux, no free tier, no tax.
 *
 * How each figure was obtained (the `basis` of every entry):
 * - "published": a region-independent figure on the AWS pricing page named in `source`.
 * - "observed": derived from a public AWS Cost Explorer export for this region (cost / usage
 *   quantity, April 2026, usage types `APN2-*`), cross-checked against the AWS page in `source`.
 * - "estimate": the AWS price-list figure for this region as best known when the table was
 *   compiled; the live price pages were not reachable while compiling it, so verify before
 *   relying on it (the price list API URL per service is in SOURCES).
 *
 * Conventions: a month is 730 hours (8,760 h / 12, the convention of the AWS Pricing
 * Calculator). Spot capacity is priced at the on-demand rate, an upper bound: spot discounts
 * vary by pool and hour (https://aws.amazon.com/ec2/spot/pricing/).
 */
export type PriceBasis = "published" | "observed" | "estimate";

export interface Price {
  readonly usd: number;
  readonly unit: "hour" | "GB-month" | "GB" | "month" | "LCU-hour" | "vCPU-hour";
  readonly basis: PriceBasis;
  readonly source: keyof typeof SOURCES;
  readonly note?: string;
}

/** AWS pricing pages and the public price list API (bulk offer file) per service. */
export const SOURCES = {
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/ ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/ap-northeast-2/index.json",
  eks: "https://aws.amazon.com/eks/pricing/ ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEKS/current/ap-northeast-2/index.json",
  vpc: "https://aws.amazon.com/vpc/pricing/ (NAT gateway, public IPv4, endpoints) ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/ap-northeast-2/index.json",
  publicIpv4: "https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/",
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/ ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSELB/current/ap-northeast-2/index.json",
  rds: "https://aws.amazon.com/rds/postgresql/pricing/ ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/ap-northeast-2/index.json",
  elasticache: "https://aws.amazon.com/elasticache/pricing/ ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonElastiCache/current/ap-northeast-2/index.json",
  ebs: "https://aws.amazon.com/ebs/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  secretsmanager: "https://aws.amazon.com/secrets-manager/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  backup: "https://aws.amazon.com/backup/pricing/",
  mq: "https://aws.amazon.com/amazon-mq/pricing/ ; https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonMQ/current/ap-northeast-2/index.json",
  waf: "https://aws.amazon.com/waf/pricing/ (the same in every region: per web ACL-month, per rule-month (a managed rule group counts as one rule), per million requests)",
  ssm: "https://aws.amazon.com/systems-manager/pricing/ (Parameter Store: standard parameters and standard throughput at no charge; advanced parameters per parameter-month)",
} as const;

export interface PriceTable {
  readonly region: string;
  readonly currency: "USD";
  /** When the table was compiled. */
  readonly retrievedOn: string;
  readonly hoursPerMonth: number;
  readonly spotPolicy: string;
  /** EC2 on-demand Linux, per instance-hour. */
  readonly ec2: Readonly<Record<string, Price>>;
  /** RDS for PostgreSQL single-AZ, per instance-hour; Multi-AZ (one standby) bills twice. */
  readonly rds: Readonly<Record<string, Price>>;
  /** ElastiCache (Redis OSS / Valkey node-based), per node-hour. */
  readonly elasticache: Readonly<Record<string, Price>>;
  /** Amazon MQ for RabbitMQ, per broker node-hour (a cluster bills its three nodes). */
  readonly mq: Readonly<Record<string, Price>>;
  readonly other: {
    readonly eksControlPlane: Price;
    readonly eksControlPlaneExtended: Price;
    readonly natGatewayHour: Price;
    readonly natGatewayGb: Price;
    readonly publicIpv4Hour: Price;
    readonly albHour: Price;
    readonly albLcuHour: Price;
    readonly interfaceEndpointHour: Price;
    readonly kmsKeyMonth: Price;
    readonly wafWebAclMonth: Price;
    readonly wafRuleMonth: Price;
    readonly ebsGp3GbMonth: Price;
    readonly ebsGp2GbMonth: Price;
    readonly rdsGp3GbMonth: Price;
    readonly rdsGp2GbMonth: Price;
    readonly rdsProxyVcpuHour: Price;
    readonly secretMonth: Price;
    readonly s3StandardGbMonth: Price;
    readonly logsIngestGb: Price;
    readonly logsStoreGbMonth: Price;
    readonly backupWarmGbMonth: Price;
    readonly ssmStandardParameterMonth: Price;
    readonly ssmAdvancedParameterMonth: Price;
    readonly mqStorageGbMonth: Price;
  };
}

const est = (usd: number, unit: Price["unit"], source: Price["source"], note?: string): Price => ({ usd, unit, basis: "estimate", source, note });

export const PRICES_AP_NORTHEAST_2: PriceTable = {
  region: "ap-northeast-2",
  currency: "USD",
  retrievedOn: "2026-11-20",
  hoursPerMonth: 730,
  spotPolicy: "SPOT node groups are priced at the on-demand rate (an upper bound; the spot discount varies by pool and hour)",
  ec2: {
    "t3.micro": est(0.013, "hour", "ec2"),
    "c5.xlarge": est(0.192, "hour", "ec2"),
    "c5.2xlarge": est(0.384, "hour", "ec2"),
    "g4dn.xlarge": est(0.647, "hour", "ec2"),
    "r5.xlarge": est(0.304, "hour", "ec2"),
    "r5a.xlarge": est(0.272, "hour", "ec2"),
    "r6i.xlarge": est(0.304, "hour", "ec2"),
    "r5.2xlarge": est(0.608, "hour", "ec2"),
  },
  rds: {
    "db.t4g.micro": { usd: 0.025, unit: "hour", basis: "observed", source: "rds", note: "APN2-InstanceUsage:db.t4g.micro 14.06 USD / 562.42 h (MySQL; same rate class as PostgreSQL)" },
    "db.t4g.medium": est(0.1, "hour", "rds"),
    "db.r6g.large": est(0.272, "hour", "rds"),
    "db.r6g.xlarge": est(0.544, "hour", "rds"),
    // Graviton3 classes the prod stack uses; about 6% above r6g, as in every region's list.
    "db.r7g.large": est(0.29, "hour", "rds"),
    "db.r7g.xlarge": est(0.58, "hour", "rds"),
  },
  elasticache: {
    "cache.t4g.small": est(0.039, "hour", "elasticache"),
    "cache.r6g.large": est(0.247, "hour", "elasticache"),
    "cache.r7g.large": est(0.263, "hour", "elasticache"),
  },
  // Not observed in this region's export; the us-east-1 list scaled by Seoul's usual premium on
  // compute (~12%). Verify against the offer file in SOURCES.mq before quoting.
  mq: {
    "mq.t3.micro": est(0.034, "hour", "mq", "RabbitMQ 3.13 only, single instance"),
    "mq.m7g.medium": est(0.077, "hour", "mq"),
    "mq.m7g.large": est(0.306, "hour", "mq"),
    "mq.m7g.xlarge": est(0.612, "hour", "mq"),
    "mq.m5.large": est(0.323, "hour", "mq"),
  },
  other: {
    eksControlPlane: { usd: 0.1, unit: "hour", basis: "published", source: "eks", note: "standard support, per cluster" },
    eksControlPlaneExtended: { usd: 0.6, unit: "hour", basis: "published", source: "eks", note: "a version in extended support" },
    natGatewayHour: { usd: 0.059, unit: "hour", basis: "observed", source: "vpc", note: "APN2-NatGateway-Hours 36.05 USD / 611 h" },
    natGatewayGb: { usd: 0.059, unit: "GB", basis: "observed", source: "vpc", note: "APN2-NatGateway-Bytes 0.52 USD / 8.90 GB (rounded in the export)" },
    publicIpv4Hour: { usd: 0.005, unit: "hour", basis: "published", source: "publicIpv4", note: "every in-use public IPv4 address; observed APN2-PublicIPv4:InUseAddress 7.08 USD / 1,416.08 h" },
    albHour: { usd: 0.0225, unit: "hour", basis: "observed", source: "elb", note: "APN2-LoadBalancerUsage 11.57 USD / 514 h" },
    albLcuHour: est(0.008, "LCU-hour", "elb"),
    interfaceEndpointHour: est(0.013, "hour", "vpc", "per interface endpoint per AZ"),
    kmsKeyMonth: { usd: 1, unit: "month", basis: "published", source: "kms", note: "per customer-managed key; rotated key material adds up to 2 more key-months in the first two rotations" },
    wafWebAclMonth: { usd: 5, unit: "month", basis: "published", source: "waf", note: "per web ACL, plus 0.60 USD per million requests" },
    wafRuleMonth: { usd: 1, unit: "month", basis: "published", source: "waf", note: "per rule; an AWS managed rule group counts as one (baseline and IP reputation groups carry no subscription fee)" },
    ebsGp3GbMonth: est(0.0912, "GB-month", "ebs"),
    ebsGp2GbMonth: est(0.114, "GB-month", "ebs"),
    rdsGp3GbMonth: est(0.131, "GB-month", "rds", "taken equal to RDS gp2, which was observed"),
    rdsGp2GbMonth: { usd: 0.131, unit: "GB-month", basis: "observed", source: "rds", note: "APN2-RDS:GP2-Storage 2.05 USD / 15.62 GB-month" },
    rdsProxyVcpuHour: est(0.018, "vCPU-hour", "rds", "per vCPU of the databases behind the proxy, minimum 2"),
    secretMonth: { usd: 0.4, unit: "month", basis: "published", source: "secretsmanager", note: "per secret, plus API calls" },
    s3StandardGbMonth: est(0.025, "GB-month", "s3"),
    logsIngestGb: est(0.76, "GB", "cloudwatch"),
    logsStoreGbMonth: est(0.0314, "GB-month", "cloudwatch"),
    backupWarmGbMonth: est(0.05, "GB-month", "backup"),
    ssmStandardParameterMonth: { usd: 0, unit: "month", basis: "published", source: "ssm", note: "standard tier, standard throughput" },
    ssmAdvancedParameterMonth: { usd: 0.05, unit: "month", basis: "published", source: "ssm", note: "per advanced parameter, prorated hourly" },
    mqStorageGbMonth: est(0.11, "GB-month", "mq", "broker EBS storage, billed per GB-month used"),
  },
};
