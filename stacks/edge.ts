import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { GENERAL_POOL_SELECTOR } from "../components/cluster/clusterSettings";
import { EdgeLoadBalancer } from "../components/edge/loadBalancer";
import { LbController } from "../components/edge/lbController";
import { Network } from "../components/network/network";
import { SecurityGroups } from "../components/network/securityGroups";
import { Tags } from "../components/tags";
import { AppImage } from "../components/workloads/image";
import { APP, TradingApi, TradingApiArgs } from "../components/workloads/tradingApi";
import { VpaController } from "../components/workloads/vpaController";
import { ALB_LOG_BUCKET_ROLE } from "../lib/awsLimits";
import { SubnetPlan } from "../lib/subnetPlan";
import { DataTier } from "./data";
import { DatabaseRoles } from "../components/data/databaseRoles";
import type { MessagingTier } from "./messaging";
import { ConfigStore } from "../components/config/configStore";
import { EdgeConfig } from "./schema/edge";
import { DataConfig } from "./schema/data";
import { WorkloadsConfig } from "./schema/workloads";
import { AwsScope } from "../components/scope";

/** The edge and the trading-api workload as the rest of the platform sees them. */
export interface EdgeTier {
  readonly loadBalancer: EdgeLoadBalancer;
  readonly lbController: LbController;
  readonly vpaController: VpaController;
  readonly image?: AppImage;
  readonly tradingApi: TradingApi;
}

export interface EdgeTierInputs extends AwsScope {
  /** `dev` or `prod`. */
  readonly environment: string;
  readonly subnetPlan: SubnetPlan;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly cluster: Cluster;
  readonly data: DataTier;
  /** The consumers' database roles: trading-api's pods cannot become ready before they exist. */
  /** Absent on a failover standby that is not promoted (no role Job to wait for). */
  readonly databaseRoles?: DatabaseRoles;
  readonly dataConfig: DataConfig;
  /** The message queue, when enabled: trading-api reads its own user's secret. */
  readonly messaging?: MessagingTier;
  /** The configuration store, when enabled: trading-api reads its own tree. */
  readonly configStore?: ConfigStore;
  /** Node pool labels by pool name (to check the general pool exists). */
  readonly poolLabels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Namespace labels and what the namespace waits for when the mesh enrols trading-api. Default none. */
  readonly mesh?: { readonly labels: Readonly<Record<string, string>>; readonly after: readonly pulumi.Resource[] };
  readonly tags: Tags;
}

/** Composition of the edge and workloads areas (called from buildPlatform). */
export function buildEdgeTier(edge: EdgeConfig, workloads: WorkloadsConfig, env: EdgeTierInputs): EdgeTier {
  const { namePrefix, region, accountId, partition, network, securityGroups, cluster, data, tags } = env;
  if (!Object.values(env.poolLabels).some((l) => l.role === GENERAL_POOL_SELECTOR.role)) {
    throw new pulumi.RunError(`no node pool is labelled role=${GENERAL_POOL_SELECTOR.role}; trading-api and its controllers are scheduled there (add labels: { role: general } to a pool in entasis:cluster.nodePools)`);
  }

  const loadBalancer = new EdgeLoadBalancer("edge", {
    namePrefix,
    config: edge,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    frontendSecurityGroupId: securityGroups.ids.frontend,
    targetPort: workloads.ports.http,
    accessLogs: { bucket: data.objectStorage.accessLogsBucketName, prefix: env.dataConfig.objectStorage.accessLogs.prefix },
    accessLogsReady: [data.objectStorage.bucketPolicies[ALB_LOG_BUCKET_ROLE]],
    tags,
  });

  const generalPool = Object.entries(env.poolLabels).find(([, l]) => l.role === GENERAL_POOL_SELECTOR.role)?.[0] ?? GENERAL_POOL_SELECTOR.role;
  const onGeneralPool = cluster.scheduledOn(generalPool);
  const k8sIdentity = { provider: cluster.provider, oidcProviderArn: cluster.oidcProviderArn, issuerHostPath: cluster.issuerHostPath };
  const lbController = new LbController("lb-controller", {
    namePrefix,
    clusterName: cluster.clusterName,
    region,
    vpcId: network.vpcId,
    ...k8sIdentity,
    nodeSelector: GENERAL_POOL_SELECTOR,
    replicas: edge.lbControllerReplicas,
    scheduledAfter: onGeneralPool,
    targetGroupArns: [loadBalancer.targetGroup.arn, loadBalancer.wsTargetGroup.arn, ...(loadBalancer.nlbTargetGroup ? [loadBalancer.nlbTargetGroup.arn] : [])],
    serviceController: edge.lbServiceController,
    tags,
  });
  const vpaController = new VpaController("vpa", { provider: cluster.provider, nodeSelector: GENERAL_POOL_SELECTOR, scheduledAfter: onGeneralPool });

  const image = workloads.build ? new AppImage("trading-api-image", { namePrefix, repositoryName: `${namePrefix}/${APP}`, build: workloads.build, forceDelete: !env.dataConfig.protect, tags }) : undefined;
  const imageRef = image?.reference ?? workloads.image;
  if (imageRef === undefined) throw new pulumi.RunError("entasis:workloads has neither image nor build (config validation should have caught this)");

  const consumer = env.dataConfig.postgres.consumers[APP];
  const connectionSecretArn = data.connectionSecrets.arns[APP];
  if (!consumer || !connectionSecretArn) {
    throw new pulumi.RunError(`entasis:data.postgres.consumers has no ${APP} entry; add ${APP}: { username: trading_api } so trading-api gets its database user and connection secret`);
  }
  // Every endpoint the connection secret names (components/data/connectionSecrets.ts: host,
  // readerHost, proxyHost) authenticates IAM tokens against its own resource ID: the primary's and
  // each replica's DbiResourceId (`db-...`), the proxy's `prx-...` (the last part of its ARN).
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-connecting.html#rds-proxy-connecting-iam
  const proxyResourceId = data.proxy?.proxy.arn.apply((arn) => arn.split(":").slice(-1)[0]);
  const dbUserResourceIds = { primary: data.postgres.resourceId, ...Object.fromEntries(Object.entries(data.postgres.replicaResourceIds).map(([key, id]) => [`replica-${key}`, id])), ...(proxyResourceId ? { proxy: proxyResourceId } : {}) };

  const tradingApi = new TradingApi(APP, {
    namePrefix,
    region,
    accountId,
    partition,
    config: workloads,
    image: imageRef,
    ...k8sIdentity,
    nodeSelector: GENERAL_POOL_SELECTOR,
    database: {
      connectionSecretArn,
      redisAuthSecretArn: data.redis.authSecret.arn,
      secretsKeyArn: data.secretsKey.arn,
      username: consumer.username,
      dbUserResourceIds,
    },
    databaseReady: env.databaseRoles ? [env.databaseRoles.job] : [],
    targetGroupArns: { alb: loadBalancer.targetGroup.arn, ws: loadBalancer.wsTargetGroup.arn, ...(loadBalancer.nlbTargetGroup ? { nlb: loadBalancer.nlbTargetGroup.arn } : {}) },
    // Pods outlive the longer of the two drains (REST requests, WebSocket streams).
    deregistrationDelaySeconds: Math.max(edge.deregistrationDelaySeconds, edge.websocket.deregistrationDelaySeconds),
    // Pods see the load balancers' own addresses: the ALB's subnets (public, or private when
    // internal) and the internal NLB's (private).
    loadBalancerCidrs: [...new Set([...Object.values(edge.scheme === "internal" ? env.subnetPlan.private : env.subnetPlan.public), ...(edge.internalNlb.enabled ? Object.values(env.subnetPlan.private) : [])])],
    databaseCidrs: Object.values(env.subnetPlan.database),
    ...tradingApiExtras(env.messaging, env.configStore, { environment: env.environment, region, accountId, partition }),
    crdsFrom: [lbController.release, vpaController.release],
    scheduledAfter: onGeneralPool,
    podAdmission: [lbController.release],
    namespaceLabels: env.mesh?.labels,
    namespaceAfter: env.mesh?.after,
    tags,
  });

  return { loadBalancer, lbController, vpaController, image, tradingApi };
}

/**
 * trading-api's share of the message queue and the configuration store: read access to its own
 * broker user's secret and its own configuration tree, and where they are.
 */
function tradingApiExtras(
  messaging: MessagingTier | undefined,
  configStore: ConfigStore | undefined,
  scope: { environment: string; region: string; accountId: pulumi.Input<string>; partition: pulumi.Input<string> },
): Pick<TradingApiArgs, "additionalStatements" | "extraEnv"> {
  const statements: pulumi.Input<aws.iam.PolicyStatement>[] = [];
  const env: Record<string, pulumi.Input<string>> = {};
  const mqSecret = messaging?.broker.userSecrets[APP];
  if (mqSecret) {
    // Encrypted with the data tier's key, which the role already decrypts through Secrets Manager.
    statements.push({ Sid: "ReadOwnBrokerUser", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: mqSecret.arn });
    env.MQ_CONNECTION_SECRET_ARN = mqSecret.arn;
  }
  const prefix = configStore?.prefixes[APP];
  if (configStore && prefix) {
    statements.push(...configStore.readStatements(APP, scope));
    // The app's `/config/` root: GetParametersByPath(CONFIG_PATH, recursive, with decryption).
    env.CONFIG_PATH = prefix;
  }
  return { additionalStatements: statements, extraEnv: env };
}
