import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRADING_API } from "../components/workloads/names";
import { carveSubnets } from "../lib/subnetPlan";
import { Cluster } from "../components/cluster/cluster";
import { BackupPolicy } from "../components/backup/backupPolicy";
import { ClusterBackup } from "../components/backup/clusterBackup";
import { parseDailyCron } from "../lib/backupSchedule";
import { tierRetentionDays } from "./schema/backup";
import { Bastion } from "../components/network/bastion";
import { Network } from "../components/network/network";
import { Logging } from "../components/observability/logging";
import { SecurityGroups } from "../components/network/securityGroups";
import { Monitoring } from "../components/observability/monitoring";
import { StackConfig } from "./config";
import { DataTier, buildDataTier } from "./data";
import { EdgeTier, buildEdgeTier } from "./edge";
import { MessagingTier, buildMessagingTier } from "./messaging";
import { buildConfigStore } from "./configStore";
import { ConfigStore } from "../components/config/configStore";

/** Everything the stack built, for outputs and for the areas that build on each other. */
export interface Platform {
  readonly config: StackConfig;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly bastion?: Bastion;
  readonly data: DataTier;
  readonly cluster: Cluster;
  readonly logging: Logging;
  readonly monitoring: Monitoring;
  readonly backup: BackupPolicy;
  /** Velero; absent when entasis:backup.velero.enabled is false. */
  readonly clusterBackup?: ClusterBackup;
  readonly edge: EdgeTier;
  /** Amazon MQ for RabbitMQ; absent when entasis:messaging.enabled is false. */
  readonly messaging?: MessagingTier;
  /** SSM Parameter Store configuration; absent when entasis:configStore.enabled is false. */
  readonly configStore?: ConfigStore;
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
    // Egress addresses are registered with exchanges: as stateful as the data (protected in prod).
    protectEgressIps: config.data.protect,
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

  // Cluster-wide services (logging, monitoring, Velero) all go to one pool: the untainted pool that
  // never scales to zero (validation guarantees one). In both stacks that is `general`.
  const systemPool = Object.values(cluster.nodePools).find((pool) => pool.taints.length === 0 && config.cluster.nodePools[pool.poolName].minSize >= 1);
  if (!systemPool) throw new pulumi.RunError("no untainted node pool with minSize >= 1 after validation passed; this is a bug in stacks/schema/cluster.ts");
  const logging = new Logging("logging", { config: config.logging, provider: cluster.provider, systemPoolLabels: systemPool.labels, tags });

  // In-cluster Prometheus runs on the system pool (application SG), so it reaches pods directly;
  // the spec's monitoring SG (9000 into the application tier) is for collectors outside the cluster.
  const monitoring = new Monitoring("monitoring", {
    provider: cluster.provider,
    config: config.monitoring,
    generalPool: systemPool.description,
    watchedPools: Object.entries(config.cluster.nodePools).map(([pool, p]) => ({ role: p.labels.role ?? pool, maxSize: p.maxSize })),
    slackWebhookUrl: config.secrets.slackWebhookUrl,
    tradingApi: { namespace: config.workloads.namespace, service: TRADING_API, metricsPort: config.workloads.ports.metrics },
  });

  const backupCfg = config.backup;
  const daily = parseDailyCron(backupCfg.schedule);
  if (!daily) throw new pulumi.RunError("entasis:backup.schedule did not parse after validation passed; this is a bug in lib/backupSchedule.ts");
  const retentionDays = tierRetentionDays(backupCfg);
  const backup = new BackupPolicy("backup", {
    namePrefix,
    accountId: identity.accountId,
    partition,
    daily,
    timezone: backupCfg.timezone,
    weeklyDay: backupCfg.weeklyDay,
    monthlyDay: backupCfg.monthlyDay,
    retentionDays,
    continuousBackup: backupCfg.continuousBackup,
    vaultLock: backupCfg.vaultLock.enabled,
    manageRegionSettings: backupCfg.manageRegionSettings,
    protect: config.data.protect,
    tags,
  });

  const clusterBackup =
    backupCfg.velero.enabled
      ? new ClusterBackup("cluster-backup", {
          namePrefix,
          region: config.region,
          accountId: identity.accountId,
          partition,
          provider: cluster.provider,
          oidcProviderArn: cluster.oidcProviderArn,
          issuerHostPath: cluster.issuerHostPath,
          nodeSelector: systemPool.labels,
          schedule: backupCfg.schedule,
          timezone: backupCfg.timezone,
          retentionDays: retentionDays.daily,
          snapshotVolumes: backupCfg.velero.snapshotVolumes,
          protect: config.data.protect,
          tags,
        })
      : undefined;

  const messaging = buildMessagingTier(config.messaging, {
    namePrefix,
    stack: config.stack,
    subnetPlan,
    network,
    securityGroups,
    cluster,
    data,
    secretRecoveryDays: config.data.secretRecoveryDays,
    protect: config.data.protect,
    tags,
  });

  const configStore = buildConfigStore(config.configStore, {
    namePrefix,
    region: config.region,
    accountId: identity.accountId,
    partition,
    environment: config.environment,
    data,
    dataConfig: config.data,
    messaging,
    tags,
  });

  const edge = buildEdgeTier(config.edge, config.workloads, {
    namePrefix,
    environment: config.environment,
    region: config.region,
    accountId: identity.accountId,
    partition,
    subnetPlan,
    network,
    securityGroups,
    cluster,
    data,
    dataConfig: config.data,
    messaging,
    configStore,
    poolLabels: Object.fromEntries(Object.entries(config.cluster.nodePools).map(([n, pool]) => [n, pool.labels])),
    tags,
  });

  return { config, network, securityGroups, bastion, data, cluster, logging, monitoring, backup, clusterBackup, edge, messaging, configStore };
}
