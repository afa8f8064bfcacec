import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SUBNET_TIERS, SubnetPlan, SubnetTier } from "../../lib/subnetPlan";
import { s3GatewayEndpointPolicy } from "../../lib/s3EndpointPolicy";
import { EncryptionKey } from "../security/encryptionKey";
import { Tags, named } from "../tags";
import { GuardedAwsScope } from "../scope";

export type NatStrategy = "single" | "one-per-az" | "none";

export interface PeeringArgs {
  readonly peerVpcId: string;
  readonly peerCidr: string;
  /** Default: this account (then the peering is auto-accepted when the region is also the same). */
  readonly peerOwnerId?: string;
  /** Default: this stack's region. */
  readonly peerRegion?: string;
}

export interface NetworkArgs extends GuardedAwsScope {
  readonly cidr: string;
  /** AZs in config order; the first hosts the NAT gateway when the strategy is `single`. */
  readonly availabilityZones: readonly string[];
  /** Subnet CIDR per tier and AZ, already carved and validated. */
  readonly subnetPlan: SubnetPlan;
  readonly natStrategy: NatStrategy;
  /** VPC flow logs to CloudWatch Logs. Default enabled, 30 days, ALL traffic. */
  readonly flowLogs?: { readonly enabled: boolean; readonly retentionDays: number; readonly trafficType: "ALL" | "ACCEPT" | "REJECT" };
  /** Optional VPC peering. Default none. */
  readonly peering?: PeeringArgs;
  /** Pulumi `protect` on the NAT gateways' Elastic IPs: exchanges allow-list them. Default false. */
  readonly protectEgressIps?: boolean;
  /** Limit the S3 gateway endpoint to the account's buckets and the AWS buckets nodes read (lib/s3EndpointPolicy.ts). Default false (AWS's full-access policy). */
  readonly restrictS3Endpoint?: boolean;
  readonly tags: Tags;
}

/**
 * The VPC: public, private and database subnets in every AZ, internet and NAT gateways, route
 * tables, VPC flow logs, the S3 gateway endpoint and the RDS/ElastiCache subnet groups.
 * Children are keyed by AZ name, never by position, so adding an AZ never renames a subnet.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpc: aws.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  /** Subnets per tier, keyed by AZ. */
  public readonly subnets: Readonly<Record<SubnetTier, Readonly<Record<string, aws.ec2.Subnet>>>>;
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly databaseSubnetIds: pulumi.Output<string>[];
  /** NAT gateways keyed by the AZ they live in. */
  public readonly natGateways: Readonly<Record<string, aws.ec2.NatGateway>>;
  /** The NAT gateways' Elastic IPs (the platform's egress addresses), keyed by AZ. */
  public readonly natEips: Readonly<Record<string, aws.ec2.Eip>>;
  /** Private route tables keyed by AZ. */
  public readonly privateRouteTables: Readonly<Record<string, aws.ec2.RouteTable>>;
  public readonly dbSubnetGroup: aws.rds.SubnetGroup;
  public readonly cacheSubnetGroup: aws.elasticache.SubnetGroup;
  public readonly logsKey: EncryptionKey;
  public readonly flowLogGroup?: aws.cloudwatch.LogGroup;
  public readonly peering?: aws.ec2.VpcPeeringConnection;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:network:Network", name, {}, opts);
    const flowLogs = args.flowLogs ?? { enabled: true, retentionDays: 30, trafficType: "ALL" };
    const azs = args.availabilityZones;
    const p = args.namePrefix;

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: named(args.tags, `${p}-vpc`) },
      { parent: this },
    );
    this.vpcId = this.vpc.id;

    // Take over the default security group and leave it without rules, so nothing that lands in
    // it by accident is reachable (FSBP EC2.2, CIS AWS 5.4).
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: this.vpc.id, tags: named(args.tags, `${p}-default-deny`) }, { parent: this });

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: named(args.tags, `${p}-igw`) }, { parent: this });

    // Subnet tags for load-balancer discovery by the AWS Load Balancer Controller.
    // https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html
    const tierTags: Record<SubnetTier, Tags> = {
      public: { "kubernetes.io/role/elb": "1", Tier: "public" },
      private: { "kubernetes.io/role/internal-elb": "1", Tier: "private" },
      database: { Tier: "database" },
    };
    const subnets: Record<SubnetTier, Record<string, aws.ec2.Subnet>> = { public: {}, private: {}, database: {} };
    for (const tier of SUBNET_TIERS) {
      for (const az of azs) {
        subnets[tier][az] = new aws.ec2.Subnet(
          `${name}-${tier}-${az}`,
          {
            vpcId: this.vpc.id,
            availabilityZone: az,
            cidrBlock: args.subnetPlan[tier][az],
            // Nothing here needs an automatic public IP: the ALB and NAT gateways bring their
            // own addresses (FSBP EC2.15).
            mapPublicIpOnLaunch: false,
            tags: named(args.tags, `${p}-${tier}-${az}`, tierTags[tier]),
          },
          { parent: this },
        );
      }
    }
    this.subnets = subnets;
    this.publicSubnetIds = azs.map((az) => subnets.public[az].id);
    this.privateSubnetIds = azs.map((az) => subnets.private[az].id);
    this.databaseSubnetIds = azs.map((az) => subnets.database[az].id);

    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: this.vpc.id, tags: named(args.tags, `${p}-public`) }, { parent: this });
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });
    for (const az of azs) {
      new aws.ec2.RouteTableAssociation(`${name}-public-${az}`, { subnetId: subnets.public[az].id, routeTableId: publicRt.id }, { parent: this });
    }

    const natAzs = args.natStrategy === "one-per-az" ? azs : args.natStrategy === "single" ? azs.slice(0, 1) : [];
    const natGateways: Record<string, aws.ec2.NatGateway> = {};
    const natEips: Record<string, aws.ec2.Eip> = {};
    for (const az of natAzs) {
      // Keyed by AZ: adding or removing another AZ never touches this address. Protected in prod,
      // because exchanges allow-list it and a new allocation would be a new address.
      const eip = new aws.ec2.Eip(
        `${name}-nat-${az}`,
        { domain: "vpc", tags: named(args.tags, `${p}-nat-${az}`, { Purpose: "egress-allow-list" }) },
        { parent: this, protect: args.protectEgressIps ?? false },
      );
      natEips[az] = eip;
      natGateways[az] = new aws.ec2.NatGateway(
        `${name}-nat-${az}`,
        { allocationId: eip.id, subnetId: subnets.public[az].id, connectivityType: "public", tags: named(args.tags, `${p}-nat-${az}`) },
        { parent: this, dependsOn: [igw] },
      );
    }
    this.natGateways = natGateways;
    this.natEips = natEips;

    const privateRts: Record<string, aws.ec2.RouteTable> = {};
    for (const az of azs) {
      privateRts[az] = new aws.ec2.RouteTable(`${name}-private-rt-${az}`, { vpcId: this.vpc.id, tags: named(args.tags, `${p}-private-${az}`) }, { parent: this });
      new aws.ec2.RouteTableAssociation(`${name}-private-${az}`, { subnetId: subnets.private[az].id, routeTableId: privateRts[az].id }, { parent: this });
      // Same-AZ NAT when there is one, so an AZ outage does not take other AZs' egress with it.
      const nat = natGateways[az] ?? (natAzs.length > 0 ? natGateways[natAzs[0]] : undefined);
      if (nat) {
        new aws.ec2.Route(`${name}-private-default-${az}`, { routeTableId: privateRts[az].id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, { parent: this });
      }
    }
    this.privateRouteTables = privateRts;

    // Database subnets are isolated: no default route at all.
    const databaseRt = new aws.ec2.RouteTable(`${name}-database-rt`, { vpcId: this.vpc.id, tags: named(args.tags, `${p}-database`) }, { parent: this });
    for (const az of azs) {
      new aws.ec2.RouteTableAssociation(`${name}-database-${az}`, { subnetId: subnets.database[az].id, routeTableId: databaseRt.id }, { parent: this });
    }

    // Free S3 access for nodes (image layers from ECR live in S3) without NAT data charges.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [...azs.map((az) => privateRts[az].id), databaseRt.id],
        policy: args.restrictS3Endpoint ? pulumi.jsonStringify(s3GatewayEndpointPolicy(args.region, args.accountId, args.partition)) : undefined,
        tags: named(args.tags, `${p}-s3`),
      },
      { parent: this },
    );

    // One key for the platform's log groups. CloudWatch Logs must be allowed in the key policy.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.logsKey = new EncryptionKey(
      `${name}-logs`,
      {
        description: `${p} CloudWatch Logs encryption`,
        alias: `${p}-logs`,
        accountId: args.accountId,
        partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn,
        statements: [
          {
            Sid: "CloudWatchLogs",
            Effect: "Allow",
            Principal: { Service: `logs.${args.region}.amazonaws.com` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${args.partition}:logs:${args.region}:${args.accountId}:*` } },
          },
        ],
        tags: args.tags,
      },
      { parent: this },
    );

    if (flowLogs.enabled) {
      this.flowLogGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        { name: `/entasis/${p}/vpc-flow-logs`, retentionInDays: flowLogs.retentionDays, kmsKeyId: this.logsKey.arn, tags: named(args.tags, `${p}-vpc-flow-logs`) },
        { parent: this },
      );
      const role = new aws.iam.Role(
        `${name}-flow-logs`,
        {
          description: `${p} VPC flow logs delivery`,
          assumeRolePolicy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                // Confused-deputy guard: only flow logs of this account may use the role.
                Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
              },
            ],
          },
          tags: named(args.tags, `${p}-vpc-flow-logs`),
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        {
          role: role.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                Resource: [this.flowLogGroup.arn, pulumi.interpolate`${this.flowLogGroup.arn}:*`],
              },
            ],
          }),
        },
        { parent: this },
      );
      new aws.ec2.FlowLog(
        `${name}-flow-log`,
        {
          vpcId: this.vpc.id,
          trafficType: flowLogs.trafficType,
          logDestinationType: "cloud-watch-logs",
          logDestination: this.flowLogGroup.arn,
          iamRoleArn: role.arn,
          maxAggregationInterval: 60,
          tags: named(args.tags, `${p}-vpc-flow-log`),
        },
        { parent: this },
      );
    }

    this.dbSubnetGroup = new aws.rds.SubnetGroup(
      `${name}-db`,
      { description: `${p} database subnets`, subnetIds: this.databaseSubnetIds, tags: named(args.tags, `${p}-db`) },
      { parent: this },
    );
    this.cacheSubnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-cache`,
      { description: `${p} cache subnets`, subnetIds: this.databaseSubnetIds, tags: named(args.tags, `${p}-cache`) },
      { parent: this },
    );

    if (args.peering) {
      const peer = args.peering;
      const sameAccountAndRegion = peer.peerOwnerId === undefined && (peer.peerRegion === undefined || peer.peerRegion === args.region);
      this.peering = new aws.ec2.VpcPeeringConnection(
        `${name}-peering`,
        {
          vpcId: this.vpc.id,
          peerVpcId: peer.peerVpcId,
          peerOwnerId: peer.peerOwnerId,
          // Terraform refuses peer_region together with auto_accept, so only cross-region sets it.
          peerRegion: peer.peerRegion !== undefined && peer.peerRegion !== args.region ? peer.peerRegion : undefined,
          // AWS only lets the requester accept when both sides are its own, in one region;
          // otherwise the peer's owner must accept it.
          autoAccept: sameAccountAndRegion ? true : undefined,
          tags: named(args.tags, `${p}-peering`),
        },
        { parent: this },
      );
      for (const az of azs) {
        new aws.ec2.Route(
          `${name}-private-peer-${az}`,
          { routeTableId: privateRts[az].id, destinationCidrBlock: peer.peerCidr, vpcPeeringConnectionId: this.peering.id },
          { parent: this },
        );
      }
    }

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      databaseSubnetIds: this.databaseSubnetIds,
    });
  }
}
