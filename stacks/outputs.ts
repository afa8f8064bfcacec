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
  /** Data tier: endpoints, bucket names and secret ARNs only; credentials stay in Secrets Manager. */
  readonly database: {
    readonly writerEndpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly replicaEndpoints: Readonly<Record<string, pulumi.Output<string>>>;
    readonly proxyEndpoint?: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly name: string;
    readonly masterSecretArn: pulumi.Output<string>;
    readonly consumerSecretArns: Readonly<Record<string, pulumi.Output<string>>>;
  };
  readonly redis: { readonly primaryEndpoint: pulumi.Output<string>; readonly readerEndpoint: pulumi.Output<string>; readonly port: pulumi.Output<number>; readonly authSecretArn: pulumi.Output<string> };
  readonly buckets: { readonly marketData: pulumi.Output<string>; readonly accessLogs: pulumi.Output<string> };
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
    database: {
      writerEndpoint: p.data.postgres.address,
      readerEndpoint: p.data.postgres.readerAddress,
      replicaEndpoints: Object.fromEntries(Object.entries(p.data.postgres.replicas).map(([k, r]) => [k, r.address])),
      proxyEndpoint: p.data.proxy?.endpoint,
      port: p.data.postgres.port,
      name: p.config.data.postgres.databaseName,
      masterSecretArn: p.data.postgres.masterSecret.arn,
      consumerSecretArns: p.data.connectionSecrets.arns,
    },
    redis: { primaryEndpoint: p.data.redis.primaryEndpoint, readerEndpoint: p.data.redis.readerEndpoint, port: p.data.redis.port, authSecretArn: p.data.redis.authSecret.arn },
    buckets: { marketData: p.data.objectStorage.marketDataBucketName, accessLogs: p.data.objectStorage.accessLogsBucketName },
  };
}
