/**
 * Dated table of the AWS default service quotas the platform runs into, for ap-northeast-2.
 *
 * How each default was obtained (the `basis` of every entry):
 * - "published": the number is on the AWS page in `source`.
 * - "observed": AWS does not print the number; it is what Service Quotas reports as the AWS default
 *   (`aws service-quotas get-aws-default-service-quota`), as seen in the pages named in `note`.
 *
 * An account's applied value can differ from the default either way: AWS raises some quotas with
 * usage, and new accounts often start lower ("New AWS accounts may start with limits that are lower",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-on-demand-instances.html). Read the real
 * value with the `get-service-quota` command the preflight prints next to each quota.
 */
export type QuotaBasis = "published" | "observed";

/** What one unit of the quota is counted per. */
export type QuotaScope = "region" | "availability zone" | "cluster" | "node group" | "primary instance" | "account (global)";

export interface QuotaDefault {
  /** Service Quotas service code (`--service-code`). */
  readonly serviceCode: string;
  /** Service Quotas quota code (`--quota-code`). */
  readonly quotaCode: string;
  readonly name: string;
  readonly awsDefault: number;
  readonly unit: "vCPUs" | "resources";
  readonly scope: QuotaScope;
  readonly basis: QuotaBasis;
  readonly source: string;
  /** Service Quotas region for global services (IAM quotas live in us-east-1). */
  readonly serviceRegion?: string;
  readonly note?: string;
}

export const QUOTA_SOURCES = {
  ec2OnDemand: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-on-demand-instances.html#ec2-on-demand-instances-limits",
  ec2Spot: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html",
  eksKnownLimits: "https://docs.aws.amazon.com/eks/latest/best-practices/known_limits_and_service_quotas.html",
  vpc: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
  eks: "https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html",
  eksNodeUpdates: "https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html",
  rds: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html",
  elasticache: "https://docs.aws.amazon.com/general/latest/gr/elasticache-service.html",
  elb: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html",
  iam: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  secretsManager: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html",
  cliRequest: "https://docs.aws.amazon.com/cli/latest/reference/service-quotas/request-service-quota-increase.html",
} as const;

export type QuotaKey =
  | "onDemandStandardVcpus"
  | "onDemandGVtVcpus"
  | "spotStandardVcpus"
  | "spotGVtVcpus"
  | "elasticIps"
  | "natGatewaysPerAz"
  | "vpcs"
  | "internetGateways"
  | "gatewayEndpoints"
  | "securityGroups"
  | "eksClusters"
  | "nodeGroupsPerCluster"
  | "nodesPerNodeGroup"
  | "rdsInstances"
  | "rdsProxies"
  | "readReplicasPerPrimary"
  | "elasticacheNodes"
  | "applicationLoadBalancers"
  | "networkLoadBalancers"
  | "targetGroups"
  | "iamRoles"
  | "oidcProviders"
  | "secrets";

export interface QuotaTable {
  readonly region: string;
  /** When the table was compiled. */
  readonly retrievedOn: string;
  readonly quotas: Readonly<Record<QuotaKey, QuotaDefault>>;
}

const NEW_ACCOUNTS_GPU = "GPU families start at 0 vCPUs on new accounts: no G instance launches until an increase is granted, and a first GPU request can take days";

export const QUOTAS_AP_NORTHEAST_2: QuotaTable = {
  region: "ap-northeast-2",
  retrievedOn: "2026-11-27",
  quotas: {
    onDemandStandardVcpus: {
      serviceCode: "ec2", quotaCode: "L-1216C47A", name: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
      awsDefault: 5, unit: "vCPUs", scope: "region", basis: "published", source: QUOTA_SOURCES.eksKnownLimits,
      note: "default 5 also in the get-aws-default-service-quota example of https://docs.aws.amazon.com/cli/latest/userguide/cli_service-quotas_code_examples.html; AWS raises it with usage",
    },
    onDemandGVtVcpus: {
      serviceCode: "ec2", quotaCode: "L-DB2E81BA", name: "Running On-Demand G and VT instances",
      awsDefault: 0, unit: "vCPUs", scope: "region", basis: "observed", source: QUOTA_SOURCES.ec2OnDemand,
      note: `${NEW_ACCOUNTS_GPU}; AWS: "An AWS account that has permission to create a GPU instance, which isn't enabled by default" (https://aws.amazon.com/blogs/media/distribute-ndi-content-from-aws-with-aws-elemental-mediaconnect/)`,
    },
    spotStandardVcpus: {
      serviceCode: "ec2", quotaCode: "L-34B43A08", name: "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests",
      awsDefault: 5, unit: "vCPUs", scope: "region", basis: "published", source: QUOTA_SOURCES.ec2Spot,
    },
    spotGVtVcpus: {
      serviceCode: "ec2", quotaCode: "L-3819A6DF", name: "All G and VT Spot Instance Requests",
      awsDefault: 0, unit: "vCPUs", scope: "region", basis: "published", source: QUOTA_SOURCES.ec2Spot, note: NEW_ACCOUNTS_GPU,
    },
    elasticIps: { serviceCode: "ec2", quotaCode: "L-0263D0A3", name: "EC2-VPC Elastic IPs", awsDefault: 5, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.vpc },
    natGatewaysPerAz: { serviceCode: "vpc", quotaCode: "L-FE5A380F", name: "NAT gateways per Availability Zone", awsDefault: 5, unit: "resources", scope: "availability zone", basis: "published", source: QUOTA_SOURCES.vpc },
    vpcs: { serviceCode: "vpc", quotaCode: "L-F678F1CE", name: "VPCs per Region", awsDefault: 5, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.vpc, note: "raising it raises internet gateways per Region too" },
    internetGateways: { serviceCode: "vpc", quotaCode: "L-A4707A72", name: "Internet gateways per Region", awsDefault: 5, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.vpc, note: "follows VPCs per Region: request that one" },
    gatewayEndpoints: { serviceCode: "vpc", quotaCode: "L-1B52E74A", name: "Gateway VPC endpoints per Region", awsDefault: 20, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.vpc },
    securityGroups: { serviceCode: "vpc", quotaCode: "L-E79EC296", name: "VPC security groups per Region", awsDefault: 2500, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.vpc },
    eksClusters: { serviceCode: "eks", quotaCode: "L-1194D53C", name: "Clusters", awsDefault: 100, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.eks },
    nodeGroupsPerCluster: { serviceCode: "eks", quotaCode: "L-6D54EA21", name: "Managed node groups per cluster", awsDefault: 30, unit: "resources", scope: "cluster", basis: "published", source: QUOTA_SOURCES.eks },
    nodesPerNodeGroup: { serviceCode: "eks", quotaCode: "L-BD136A63", name: "Nodes per managed node group", awsDefault: 450, unit: "resources", scope: "node group", basis: "published", source: QUOTA_SOURCES.eks },
    rdsInstances: {
      serviceCode: "rds", quotaCode: "L-7B6409FD", name: "DB instances", awsDefault: 40, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.rds,
      note: "RDS, Aurora, Neptune and DocumentDB instances share it; a Multi-AZ standby is not a separate DB instance",
    },
    rdsProxies: { serviceCode: "rds", quotaCode: "L-D94C7EA3", name: "Proxies", awsDefault: 20, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.rds },
    readReplicasPerPrimary: { serviceCode: "rds", quotaCode: "L-5BC124EF", name: "Read replicas per primary", awsDefault: 15, unit: "resources", scope: "primary instance", basis: "published", source: QUOTA_SOURCES.rds },
    elasticacheNodes: {
      serviceCode: "elasticache", quotaCode: "L-DFE45DF3", name: "Nodes per Region", awsDefault: 300, unit: "resources", scope: "region", basis: "observed", source: QUOTA_SOURCES.elasticache,
      note: "default 300 on the page; the quota code as listed by `aws service-quotas list-aws-default-service-quotas --service-code elasticache`",
    },
    applicationLoadBalancers: { serviceCode: "elasticloadbalancing", quotaCode: "L-53DA6B97", name: "Application Load Balancers per Region", awsDefault: 50, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.eksKnownLimits },
    networkLoadBalancers: { serviceCode: "elasticloadbalancing", quotaCode: "L-69A177A2", name: "Network Load Balancers per Region", awsDefault: 50, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.eksKnownLimits },
    targetGroups: { serviceCode: "elasticloadbalancing", quotaCode: "L-B22855CB", name: "Target Groups per Region", awsDefault: 3000, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.eksKnownLimits },
    iamRoles: { serviceCode: "iam", quotaCode: "L-FE177D64", name: "Roles per account", awsDefault: 1000, unit: "resources", scope: "account (global)", basis: "published", source: QUOTA_SOURCES.eksKnownLimits, serviceRegion: "us-east-1" },
    oidcProviders: { serviceCode: "iam", quotaCode: "L-858F3967", name: "OpenId connect providers per account", awsDefault: 100, unit: "resources", scope: "account (global)", basis: "published", source: QUOTA_SOURCES.eksKnownLimits, serviceRegion: "us-east-1" },
    secrets: { serviceCode: "secretsmanager", quotaCode: "L-2F66C23C", name: "Secrets per Region", awsDefault: 500000, unit: "resources", scope: "region", basis: "published", source: QUOTA_SOURCES.eksKnownLimits },
  },
};
