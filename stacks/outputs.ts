import * as pulumi from "@pulumi/pulumi";
import { Platform } from "./platform";

/** Stack outputs: the contract app teams build on. Never remove or rename one without a migration. */
export interface PlatformOutputs {
  readonly environment: string;
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly databaseSubnetIds: pulumi.Output<string>[];
  readonly natGatewayIds: pulumi.Output<string>[];
  readonly securityGroupIds: Readonly<Record<string, pulumi.Output<string>>>;
  readonly dbSubnetGroupName: pulumi.Output<string>;
  readonly cacheSubnetGroupName: pulumi.Output<string>;
  readonly bastionInstanceId?: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly clusterEndpoint: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Node pools by name: their labels and taints (for nodeSelectors and tolerations). */
  readonly nodePools: Readonly<Record<string, { readonly labels: Readonly<Record<string, string>>; readonly taints: readonly { key: string; value?: string; effect: string }[] }>>;
}

export function platformOutputs(p: Platform): PlatformOutputs {
  return {
    environment: p.config.environment,
    region: p.config.region,
    vpcId: p.network.vpcId,
    vpcCidr: p.config.network.cidr,
    availabilityZones: p.config.network.availabilityZones,
    publicSubnetIds: p.network.publicSubnetIds,
    privateSubnetIds: p.network.privateSubnetIds,
    databaseSubnetIds: p.network.databaseSubnetIds,
    natGatewayIds: Object.values(p.network.natGateways).map((n) => n.id),
    securityGroupIds: p.securityGroups.ids,
    dbSubnetGroupName: p.network.dbSubnetGroup.name,
    cacheSubnetGroupName: p.network.cacheSubnetGroup.name,
    bastionInstanceId: p.bastion?.instance.id,
    clusterName: p.cluster.clusterName,
    clusterEndpoint: p.cluster.endpoint,
    oidcProviderArn: p.cluster.oidcProviderArn,
    kubeconfig: p.cluster.kubeconfig,
    nodePools: Object.fromEntries(Object.entries(p.cluster.nodePools).map(([n, pool]) => [n, { labels: pool.labels, taints: pool.taints }])),
  };
}
