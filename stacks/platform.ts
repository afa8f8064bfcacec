import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { carveSubnets } from "../lib/subnetPlan";
import { Cluster } from "../components/cluster/cluster";
import { Bastion } from "../components/network/bastion";
import { Network } from "../components/network/network";
import { SecurityGroups } from "../components/network/securityGroups";
import { StackConfig } from "./config";
import { DataTier, buildDataTier } from "./data";
import { EdgeTier, buildEdgeTier } from "./edge";

/** Everything the stack built, for outputs and for the areas that build on each other. */
export interface Platform {
  readonly config: StackConfig;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly bastion?: Bastion;
  readonly data: DataTier;
  readonly cluster: Cluster;
  readonly edge: EdgeTier;
}

/**
 * The one composition every environment uses; dev and prod differ only in their config.
 * Top-level components are named after their area, so URNs stay stable across refactors.
 */
export function buildPlatform(config: StackConfig): Platform {
  const namePrefix = `entasis-${config.stack}`;
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput().partition;
  const tags = config.tags;

  const subnetPlan = carveSubnets({
    vpcCidr: config.network.cidr,
    availabilityZones: config.network.availabilityZones,
    prefixes: config.network.subnetPrefixes,
    overrides: config.network.subnets,
  });
  if (!subnetPlan) throw new pulumi.RunError("subnet carving failed after validation passed; this is a bug in lib/subnetPlan.ts");

  const network = new Network("network", {
    namePrefix,
    region: config.region,
    accountId: identity.accountId,
    partition,
    cidr: config.network.cidr,
    availabilityZones: config.network.availabilityZones,
    subnetPlan,
    natStrategy: config.network.natStrategy,
    flowLogs: config.network.flowLogs,
    peering: config.network.peering,
    tags,
  });

  const securityGroups = new SecurityGroups("security-groups", { namePrefix, vpcId: network.vpcId, tags });

  const bastion = config.network.bastion.enabled
    ? new Bastion("bastion", {
        namePrefix,
        vpcId: network.vpcId,
        subnetId: network.subnets.private[config.network.availabilityZones[0]].id,
        instanceType: config.network.bastion.instanceType,
        tags,
      })
    : undefined;

  const data = buildDataTier(config.data, { namePrefix, region: config.region, accountId: identity.accountId, partition, availabilityZones: config.network.availabilityZones, network, securityGroups, tags });

  const cluster = new Cluster("cluster", {
    namePrefix,
    clusterName: namePrefix,
    region: config.region,
    accountId: identity.accountId,
    partition,
    config: config.cluster,
    privateSubnetIds: network.privateSubnetIds,
    applicationSecurityGroupId: securityGroups.ids.application,
    // With the public endpoint off, operators reach the API through the bastion (SSM port forwarding).
    apiClientSecurityGroupIds: bastion ? { bastion: bastion.securityGroup.id } : {},
    logsKeyArn: network.logsKey.arn,
    tags,
  });

  const edge = buildEdgeTier(config.edge, config.workloads, {
    namePrefix,
    region: config.region,
    accountId: identity.accountId,
    partition,
    subnetPlan,
    network,
    securityGroups,
    cluster,
    data,
    dataConfig: config.data,
    poolLabels: Object.fromEntries(Object.entries(config.cluster.nodePools).map(([n, pool]) => [n, pool.labels])),
    tags,
  });

  return { config, network, securityGroups, bastion, data, cluster, edge };
}
