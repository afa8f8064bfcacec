import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRADING_API } from "../components/workloads/names";
import { APP_LABELS } from "../components/workloads/tradingApi";
import { Cluster } from "../components/cluster/cluster";
import { breakGlassRoleArn } from "../lib/breakGlass";
import { OrganizationAudit } from "../components/security/organizationAudit";
import { TIMESERIES_BUCKET_ROLE } from "../components/timeseries/backupStore";
import { StackConfig } from "./config";
import { buildDataTier } from "./data";
import { buildSleep } from "./sleep";
import { buildDatabaseRoles } from "./databaseRoles";
import { buildEdgeTier } from "./edge";
import { RunnerLink } from "./runner";
import { PreviewAccess } from "../components/deploy/previewAccess";
import { buildTimeseriesTier } from "./timeseries";
import { buildProcessingTier } from "./processing";
import { buildAiTier } from "./ai";
import { buildBackup, buildDisasterRecovery } from "./backup";
import { buildClusterServices } from "./clusterServices";
import { buildFoundation } from "./foundation";
import { Platform } from "./platformResult";
import { buildMessagingTier } from "./messaging";
import { secretRotationPlan } from "./schema/secretRotation";
import { buildConfigStore } from "./configStore";
import { zonalPools } from "./schema/zonalCapacity";
import { buildLoadTest } from "./loadTest";
import { buildCollectors, collectorBrokerUsers, collectorConfigApps, collectorTimeseriesConsumers } from "./collectors";
import { buildMeshNamespaces } from "./mesh";
import { AuditTrail } from "../components/security/auditTrail";
import { AwsScope, GuardedAwsScope } from "../components/scope";
import { FAILOVER_ARCHIVE_TIMEOUT_SECONDS, MARKET_DATA_ROLE, ReplicationSources, buildFailoverDns } from "./failover";
import { isWaitingStandby } from "./schema/failover";

/**
 * The one composition every environment uses; dev and prod differ only in their config.
 * Top-level components are named after their area, so URNs stay stable across refactors.
 */
export function buildPlatform(config: StackConfig, runner?: RunnerLink, replicationSources?: ReplicationSources): Platform {
  const namePrefix = `entasis-${config.stack}`;
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput().partition;
  const tags = config.tags;
  // The only principal that may delete or disable a key (every EncryptionKey) or erase a recovery
  // point; none in dev, which destroys its keys with the stack (docs/security.md).
  const keyGuard = config.backup.breakGlassRole !== undefined ? breakGlassRoleArn(partition, identity.accountId, config.backup.breakGlassRole) : undefined;
  // What every area and most components start with: one scope, spread into each call below.
  const account: AwsScope = { namePrefix, region: config.region, accountId: identity.accountId, partition };
  const scope: GuardedAwsScope = { ...account, breakGlassRoleArn: keyGuard };
  // entasis:secretRotation: each generated secret's generation; none set, nothing gets keepers (docs/secret-rotation.md).
  const rotation = secretRotationPlan(config.secretRotation);

  const { subnetPlan, network, securityGroups, volumesKey, copyKeyStatements, bastion, runnerPeering } = buildFoundation(config, { ...scope, runner });

  // A failover standby: the stack is the standby exactly when the primary's sources were read.
  const failover = config.failover;
  const standby = failover?.role === "standby" && replicationSources ? { sources: replicationSources, promoted: failover.promoted === true } : undefined;
  if (failover?.role === "standby" && !standby) throw new pulumi.RunError("entasis:failover.role is standby but the primary stack's replication sources were not read; this is a bug in stacks/program.ts");
  const data = buildDataTier(config.data, {
    ...scope,
    availabilityZones: config.network.availabilityZones,
    network,
    securityGroups,
    tags,
    postgresReplicaOf: standby ? { sourceArn: standby.sources.postgresArn, promoted: standby.promoted } : undefined,
    copyKeyStatements,
    rotation,
  });

  const cluster = new Cluster("cluster", {
    ...scope,
    clusterName: namePrefix,
    config: config.cluster,
    privateSubnetIds: network.privateSubnetIds,
    privateSubnetIdsByZone: Object.fromEntries(config.network.availabilityZones.map((az) => [az, network.subnets.private[az].id])),
    // Pools running pods bound to a zone (volumes, one-per-zone rules) get a node group per zone.
    zonalPools: zonalPools(config),
    applicationSecurityGroupId: securityGroups.ids.application,
    // With the public endpoint off, operators reach the API through the bastion (SSM port forwarding).
    apiClientSecurityGroupIds: bastion ? { bastion: bastion.securityGroup.id } : {},
    apiClientCidrs: runner ? { runner: runner.cidr } : {},
    apiAccessReady: runnerPeering?.ready ?? [],
    logsKeyArn: network.logsKey.arn,
    nodeVolumeKeyArn: volumesKey.arn,
    scheduledScaling: config.sleep !== undefined,
    tags,
  });

  const previewAccess = runner ? new PreviewAccess("preview-access", { clusterName: cluster.clusterName, previewRoleArn: runner.previewRoleArn, provider: cluster.provider, tags }) : undefined;

  const { certManager, monitoring, logging, mesh } = buildClusterServices(config, { cluster, subnetPlan, volumeKeyArn: volumesKey.arn, rotation, tags });

  const { backup, clusterBackup, retentionDays, drRegion, drProvider } = buildBackup(config.backup, { ...scope, cluster, protect: config.data.protect, tags });

  // A replica is read-only and already has the primary's roles: the Job runs once it is promoted.
  const databaseRoles = isWaitingStandby(failover) ? undefined : buildDatabaseRoles(
    config.data,
    data,
    cluster,
    subnetPlan,
    Object.fromEntries(Object.entries(config.cluster.nodePools).map(([pool, p]) => [pool, p.labels.role])),
    { region: config.region, namePrefix, tags },
  );
  // Every collector gets its own broker user, configuration tree and time-series role, next to
  // the applications config names (stacks/collectors.ts; conflicts are refused in validation).
  const messaging = buildMessagingTier({ ...config.messaging, users: { ...config.messaging.users, ...collectorBrokerUsers(config.collectors) } }, {
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
    region: config.region,
    userPasswordGeneration: rotation.generations.brokerUsers,
  });

  const configStore = buildConfigStore({ ...config.configStore, apps: { ...config.configStore.apps, ...collectorConfigApps(config.collectors) } }, {
    ...scope,
    environment: config.environment,
    data,
    dataConfig: config.data,
    messaging,
    tags,
  });

  const edge = buildEdgeTier(config.edge, config.workloads, {
    ...account,
    environment: config.environment,
    subnetPlan,
    network,
    securityGroups,
    cluster,
    data,
    databaseRoles,
    dataConfig: config.data,
    messaging,
    configStore,
    poolLabels: Object.fromEntries(Object.entries(config.cluster.nodePools).map(([n, pool]) => [n, pool.labels])),
    mesh: mesh?.enrol,
    tags,
  });

  const collectorConsumers = collectorTimeseriesConsumers(config.collectors, config.timeseries.consumers);
  const timeseries = buildTimeseriesTier(
    // The collectors reach PgBouncer from their namespace.
    Object.keys(collectorConsumers).length > 0 ? { ...config.timeseries, clientNamespaces: [...config.timeseries.clientNamespaces, config.collectors.namespace] } : config.timeseries,
    {
    ...scope,
    cluster,
    certManager,
    monitoring,
    // trading-api's own policy limits its egress; it gets a rule to the database when it is a client.
    clientEgress: config.timeseries.clientNamespaces.includes(config.workloads.namespace) ? [{ key: TRADING_API, namespace: edge.tradingApi.namespaceName, podLabels: APP_LABELS }] : [],
    backup: config.backup,
    secretsKeyArn: data.secretsKey.arn,
    secretRecoveryDays: config.data.secretRecoveryDays,
    protect: config.data.protect,
    extraConsumers: collectorConsumers,
    consumerPasswordGeneration: rotation.generations.timeseriesConsumers,
    // trading-api's namespace exists before the database: it gets the CA bundle here (the collectors' with them).
    caTrustIn: config.timeseries.clientNamespaces.includes(config.workloads.namespace)
      ? { [TRADING_API]: { namespace: edge.tradingApi.namespaceName, namespaceName: config.workloads.namespace, namespaceResource: edge.tradingApi.namespace } }
      : undefined,
    tags,
    webhookSourceCidrs: Object.values(subnetPlan.private),
    replicaOf: standby
      ? {
          bucket: standby.sources.timeseriesArchive.bucket,
          bucketArn: standby.sources.timeseriesArchive.bucketArn,
          keyArn: standby.sources.timeseriesArchive.keyArn,
          region: standby.sources.timeseriesArchive.region,
          serverName: standby.sources.timeseriesArchive.serverName,
          promoted: standby.promoted,
        }
      : undefined,
    archiveTimeoutSeconds: failover?.role === "primary" ? FAILOVER_ARCHIVE_TIMEOUT_SECONDS : undefined,
  });

  const collectors = buildCollectors(config.collectors, {
    ...account,
    environment: config.environment,
    subnetPlan,
    cluster,
    data,
    monitoring,
    timeseries,
    timeseriesNamespace: config.timeseries.namespace,
    messaging,
    configStore,
    mesh: mesh?.enrol,
    tags,
  });
  const meshNamespaces = buildMeshNamespaces(mesh, config.mesh, {
    cluster,
    subnetPlan,
    tradingApi: edge.tradingApi,
    tradingApiNamespace: config.workloads.namespace,
    collectors,
    collectorsNamespace: config.collectors.namespace,
  });

  // After the time-series store: its WAL archive and base backups are replicated with the rest.
  const disasterRecovery =
    drRegion !== undefined && drProvider
      ? buildDisasterRecovery({
          namePrefix,
          region: config.region,
          drRegion,
          provider: drProvider,
          accountId: identity.accountId,
          partition,
          breakGlassRoleArn: keyGuard,
          data,
          dataConfig: config.data,
          clusterBackup,
          extraBuckets: {
            [TIMESERIES_BUCKET_ROLE]: {
              bucket: timeseries.backupStore.bucket,
              versioning: timeseries.backupStore.bucketVersioning,
              keyArn: timeseries.backupStore.key.arn,
              // Barman expires base backups and WAL itself, but deletes are not replicated: the DR
              // copy keeps them for the weekly tier, enough to restore after losing the region.
              drLifecycle: { transitions: [], expirationDays: retentionDays.weekly, noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 7 },
              description: "TimescaleDB WAL archive and base backups",
            },
          },
          retentionDays,
          tags,
        })
      : undefined;

  // Route 53 failover records for the public names: PRIMARY with a health check here, SECONDARY on the standby.
  const failoverDns = failover ? buildFailoverDns(failover, { stack: config.stack, namePrefix, edge, tls: config.edge.certificateArn !== undefined, tags }) : undefined;

  // The account's own trail and GuardDuty, unless the organization provides them (or dev: none).
  const audit =
    config.audit.provider === "platform"
      ? new AuditTrail("audit", {
          ...scope,
          dataBucketArns: [data.objectStorage.marketData.arn, timeseries.backupStore.bucket.arn, ...(clusterBackup ? [clusterBackup.bucket.arn] : [])],
          retentionDays: config.audit.retentionDays,
          protect: config.data.protect,
          tags,
        })
      : undefined;

  // The organization's trail and GuardDuty instead: a preview fails unless GuardDuty covers the cluster.
  if (config.audit.provider === "organization" && config.audit.organization !== undefined) new OrganizationAudit("organization-audit", config.audit.organization);

  const processing = buildProcessingTier(config.processing, {
    ...scope,
    subnetPlan,
    cluster,
    clusterConfig: config.cluster,
    systemPool: cluster.systemPool,
    data,
    monitoring,
    certManager,
    timezone: config.backup.timezone,
    protect: config.data.protect,
    tags,
    // A standby's jobs read the primary's market-data history in its DR copy.
    marketDataCopies: standby?.sources.bucketCopies[MARKET_DATA_ROLE] ? [standby.sources.bucketCopies[MARKET_DATA_ROLE]] : undefined,
  });

  const ai = !config.ai.enabled
    ? undefined
    : buildAiTier(config.ai, {
        ...scope,
        clusterConfig: config.cluster,
        cluster,
        certManager,
        monitoring,
        protect: config.data.protect,
        tags,
        webhookSourceCidrs: Object.values(subnetPlan.private),
      });

  const loadTest = buildLoadTest(config.loadTest, {
    ...scope,
    subnetPlan,
    cluster,
    monitoring,
    edge,
    edgeConfig: config.edge,
    tradingApiNamespace: config.workloads.namespace,
    protect: config.data.protect,
    tags,
  });

  const sleep = buildSleep(config, { namePrefix, accountId: identity.accountId, partition, cluster, data, tags });

  return {
    config,
    network,
    securityGroups,
    bastion,
    data,
    cluster,
    certManager,
    databaseRoles,
    logging,
    monitoring,
    backup,
    clusterBackup,
    disasterRecovery,
    edge,
    timeseries,
    processing,
    ai,
    messaging,
    configStore,
    loadTest,
    collectors,
    mesh,
    meshNamespaces,
    audit,
    sleep,
    failoverDns,
    replicationSources,
    runner: runner && runnerPeering && previewAccess ? { link: runner, peering: runnerPeering, previewAccess } : undefined,
  };
}
