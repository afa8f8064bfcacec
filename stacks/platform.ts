import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRADING_API } from "../components/workloads/names";
import { APP_LABELS } from "../components/workloads/tradingApi";
import { carveSubnets } from "../lib/subnetPlan";
import { Cluster } from "../components/cluster/cluster";
import { BackupPolicy } from "../components/backup/backupPolicy";
import { ClusterBackup } from "../components/backup/clusterBackup";
import { parseDailyCron } from "../lib/backupSchedule";
import { breakGlassRoleArn } from "../lib/breakGlass";
import { OrganizationAudit } from "../components/security/organizationAudit";
import { tierRetentionDays } from "./schema/backup";
import { Bastion } from "../components/network/bastion";
import { Network } from "../components/network/network";
import { Logging } from "../components/observability/logging";
import { SecurityGroups, TIER_RULES, frontendIngressRules } from "../components/network/securityGroups";
import { ALB_IP_ADDRESS_TYPE } from "../components/edge/loadBalancer";
import { Monitoring } from "../components/observability/monitoring";
import { CERT_MANAGER_NAMESPACE, CertManager, SELF_SIGNED_ISSUER } from "../components/certmanager/certManager";
import { NODE_AGENTS_NAMESPACE } from "../lib/podSecurity";
import { backupAccountKeyStatements, ebsViaEc2Statement } from "../lib/keyStatements";
import { TIMESERIES_BUCKET_ROLE } from "../components/timeseries/backupStore";
import { nodeVolumeKeyStatements } from "../components/cluster/nodePool";
import { EncryptionKey } from "../components/security/encryptionKey";
import { StackConfig } from "./config";
import { DataTier, buildDataTier } from "./data";
import { buildSleep } from "./sleep";
import { SleepSchedule } from "../components/schedule/sleepSchedule";
import { buildDatabaseRoles } from "./databaseRoles";
import { DatabaseRoles } from "../components/data/databaseRoles";
import { EdgeTier, buildEdgeTier } from "./edge";
import { RunnerLink } from "./runner";
import { RunnerPeering } from "../components/deploy/runnerPeering";
import { PreviewAccess } from "../components/deploy/previewAccess";
import { overlaps, parseCidr } from "../lib/cidr";
import { TimeseriesTier, buildTimeseriesTier } from "./timeseries";
import { ProcessingTier, buildProcessingTier } from "./processing";
import { AiTier, buildAiTier } from "./ai";
import { DisasterRecovery } from "../components/backup/disasterRecovery";
import { buildDisasterRecovery, drRegionProvider } from "./backup";
import { MessagingTier, buildMessagingTier } from "./messaging";
import { secretRotationPlan } from "./schema/secretRotation";
import { buildConfigStore } from "./configStore";
import { zonalPools } from "./schema/zonalCapacity";
import { ConfigStore } from "../components/config/configStore";
import { LoadTest } from "../components/loadtest/loadTest";
import { buildLoadTest } from "./loadTest";
import { Collectors } from "../components/collectors/collectors";
import { buildCollectors, collectorBrokerUsers, collectorConfigApps, collectorTimeseriesConsumers } from "./collectors";
import { MeshTier, buildMesh, buildMeshNamespaces } from "./mesh";
import { MeshNamespace } from "../components/mesh/meshNamespace";
import { AuditTrail } from "../components/security/auditTrail";
import { FailoverDns } from "../components/edge/failoverDns";
import { AwsScope, GuardedAwsScope } from "../components/scope";
import { FAILOVER_ARCHIVE_TIMEOUT_SECONDS, MARKET_DATA_ROLE, ReplicationSources, buildFailoverDns } from "./failover";
import { isWaitingStandby } from "./schema/failover";

/** Everything the stack built, for outputs and for the areas that build on each other. */
export interface Platform {
  readonly config: StackConfig;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly bastion?: Bastion;
  readonly data: DataTier;
  readonly cluster: Cluster;
  /**
   * The consumers' PostgreSQL roles, created by a Job in the cluster before any workload connects;
   * absent on a failover standby that is not promoted (its read-only replica has the primary's roles).
   */
  readonly databaseRoles?: DatabaseRoles;
  readonly logging: Logging;
  readonly monitoring: Monitoring;
  /** cert-manager: webhook certificates for the operators that need them. */
  readonly certManager: CertManager;
  readonly backup: BackupPolicy;
  /** Velero; absent when entasis:backup.velero.enabled is false. */
  readonly clusterBackup?: ClusterBackup;
  /** Cross-region copies; absent when entasis:backup.drRegion is unset (dev). */
  readonly disasterRecovery?: DisasterRecovery;
  readonly edge: EdgeTier;
  /** The in-VPC runners' path to the cluster; absent when the API endpoint is public and no bootstrap stack is set. */
  readonly runner?: { readonly link: RunnerLink; readonly peering: RunnerPeering; readonly previewAccess: PreviewAccess };
  /** TimescaleDB on CloudNativePG: market data and candles. */
  readonly timeseries: TimeseriesTier;
  /** Spark (batch) and Flink (streams) on the data-processing pool. */
  readonly processing: ProcessingTier;
  /** Model serving, GPU observability and training pipelines on the ai-inference pool; absent when entasis:ai.enabled is false. */
  readonly ai?: AiTier;
  /** Amazon MQ for RabbitMQ; absent when entasis:messaging.enabled is false. */
  readonly messaging?: MessagingTier;
  /** SSM Parameter Store configuration; absent when entasis:configStore.enabled is false. */
  readonly configStore?: ConfigStore;
  /** Locust against trading-api through the ALB; absent when entasis:loadTest.enabled is false. */
  readonly loadTest?: LoadTest;
  /** The spec's data-collection layer; absent when entasis:collectors is off or has no feed. */
  readonly collectors?: Collectors;
  /** Istio ambient; absent when entasis:mesh.enabled is false. */
  readonly mesh?: MeshTier;
  /** Per enrolled namespace: peer authentication, authorization policies, HBONE policy. */
  readonly meshNamespaces: Readonly<Record<string, MeshNamespace>>;
  /** CloudTrail and GuardDuty; absent unless entasis:audit.provider is `platform`. */
  readonly audit?: AuditTrail;
  /** Node pools to zero and PostgreSQL stopped outside working hours; absent unless entasis:sleep is set. */
  readonly sleep?: SleepSchedule;
  /** This stack's side of the Route 53 failover records; absent unless entasis:failover is set. */
  readonly failoverDns?: FailoverDns;
  /** A standby's replication sources, read from the primary stack's outputs; absent otherwise. */
  readonly replicationSources?: ReplicationSources;
}

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

  const subnetPlan = carveSubnets({
    vpcCidr: config.network.cidr,
    availabilityZones: config.network.availabilityZones,
    prefixes: config.network.subnetPrefixes,
    overrides: config.network.subnets,
  });
  if (!subnetPlan) throw new pulumi.RunError("subnet carving failed after validation passed; this is a bug in lib/subnetPlan.ts");

  const network = new Network("network", {
    ...scope,
    cidr: config.network.cidr,
    availabilityZones: config.network.availabilityZones,
    subnetPlan,
    natStrategy: config.network.natStrategy,
    flowLogs: config.network.flowLogs,
    peering: config.network.peering,
    // Egress addresses are registered with exchanges: as stateful as the data (protected in prod).
    protectEgressIps: config.data.protect,
    // Only the account's buckets and the AWS buckets nodes read (ECR layers, AL2023, SSM).
    restrictS3Endpoint: true,
    tags,
  });

  // The frontend admits only what the load balancer really serves: 80 (redirect) and 443 with a
  // certificate, plain 80 without one, from the configured sources (validated: never the whole
  // internet without TLS); ::/0 only if the ALB were dual-stack.
  const frontend = frontendIngressRules({ tls: config.edge.certificateArn !== undefined, sourceCidrs: config.edge.allowedCidrs, dualStack: ALB_IP_ADDRESS_TYPE === "dualstack" });
  const securityGroups = new SecurityGroups("security-groups", { namePrefix, vpcId: network.vpcId, rules: [...frontend, ...TIER_RULES], tags });

  // One customer key for instance disks (node pools and the bastion), as every other data store
  // has; its policy lets the services that launch node instances use it.
  // The EBS CSI driver's volumes (Prometheus, Alertmanager, Elasticsearch) use it too: snapshots
  // under the AWS managed aws/ebs key could never be copied to a backup account.
  // The keys of backed-up data that AWS Backup copies with their source key (RDS, EBS) are shared
  // with the backup account when there is one (entasis:backup.backupAccountVaultArn).
  const copyKeyStatements = backupAccountKeyStatements(config.backup.backupAccountVaultArn, partition);
  const volumesKey = new EncryptionKey("ebs-volumes", {
    description: `${namePrefix} EC2 instance volumes (EKS nodes, bastion) and the EBS CSI driver's`,
    alias: `${namePrefix}-ebs-volumes`,
    accountId: identity.accountId,
    partition,
    breakGlassRoleArn: keyGuard,
    statements: [...nodeVolumeKeyStatements(identity.accountId, partition), ebsViaEc2Statement(identity.accountId, config.region), ...copyKeyStatements],
    tags,
  });

  const bastion = config.network.bastion.enabled
    ? new Bastion("bastion", {
        namePrefix,
        accountId: identity.accountId,
        rootVolumeKeyArn: volumesKey.arn,
        vpcId: network.vpcId,
        subnetId: network.subnets.private[config.network.availabilityZones[0]].id,
        instanceType: config.network.bastion.instanceType,
        // An internal ALB is reachable only inside the VPC: the bastion reaches its listener, so an
        // operator can check /health (docs/deploy.md step 7). An internet-facing one answers on its
        // public name through the NAT, on 443 the bastion already has.
        reaches:
          config.edge.scheme === "internal"
            ? { alb: { securityGroupId: securityGroups.ids.frontend, port: config.edge.certificateArn !== undefined ? 443 : 80, description: "Internal ALB listener (health checks by operators)" } }
            : {},
        tags,
      })
    : undefined;

  // The deploy and preview runners reach the private API endpoint through a peering with their VPC.
  let runnerPeering: RunnerPeering | undefined;
  if (runner) {
    const a = parseCidr(runner.cidr);
    const b = parseCidr(config.network.cidr);
    if (!a || !b || overlaps(a, b)) {
      throw new pulumi.RunError(`runner VPC ${runner.cidr} of ${runner.stack} overlaps entasis:network.cidr ${config.network.cidr}; give the bootstrap stack a disjoint entasis-bootstrap:runner.cidr (AWS refuses to peer overlapping VPCs)`);
    }
    runnerPeering = new RunnerPeering("runner-peering", {
      namePrefix,
      vpcId: network.vpcId,
      vpcCidr: config.network.cidr,
      privateRouteTableIds: Object.fromEntries(Object.entries(network.privateRouteTables).map(([az, rt]) => [az, rt.id])),
      runnerVpcId: runner.vpcId,
      runnerCidr: runner.cidr,
      runnerRouteTableIds: runner.routeTableIds,
      tags,
    });
  }

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

  // Cluster-wide services (logging, monitoring, Velero) all go to one pool: the untainted pool that
  // never scales to zero (validation guarantees one). In both stacks that is `general`. They wait
  // for its nodes and CoreDNS, never for the other pools.
  const systemPool = cluster.systemPool;
  const onSystemPool = cluster.scheduledOn(systemPool.poolName);
  const previewAccess = runner ? new PreviewAccess("preview-access", { clusterName: cluster.clusterName, previewRoleArn: runner.previewRoleArn, provider: cluster.provider, tags }) : undefined;

  const certManager = new CertManager("cert-manager", {
    provider: cluster.provider,
    nodeSelector: systemPool.labels,
    scheduledAfter: onSystemPool,
    replicas: config.cluster.certManagerReplicas,
    webhookSourceCidrs: Object.values(subnetPlan.private),
  });

  // In-cluster Prometheus runs on the system pool (application SG), so it reaches pods directly;
  // the spec's monitoring SG (9000 into the application tier) is for collectors outside the cluster.
  const monitoring = new Monitoring("monitoring", {
    provider: cluster.provider,
    config: config.monitoring,
    generalPool: systemPool.description,
    watchedPools: Object.entries(config.cluster.nodePools).map(([pool, p]) => ({ role: p.labels.role ?? pool, maxSize: p.maxSize })),
    slackWebhookUrl: config.secrets.slackWebhookUrl,
    tradingApi: { namespace: config.workloads.namespace, service: TRADING_API, metricsPort: config.workloads.ports.metrics },
    volumeDriver: [cluster.ebsCsi],
    volumeKeyArn: volumesKey.arn,
    deleteClaimsWithStatefulSets: !config.data.protect,
    scheduledAfter: onSystemPool,
    webhookSourceCidrs: Object.values(subnetPlan.private),
    grafanaAdminGeneration: rotation.generations.grafanaAdmin,
  });

  const logging = new Logging("logging", {
    config: config.logging,
    provider: cluster.provider,
    systemPoolLabels: systemPool.labels,
    scheduledAfter: onSystemPool,
    volumeDriver: [cluster.ebsCsi],
    volumeKeyArn: volumesKey.arn,
    tags,
    webhookSourceCidrs: Object.values(subnetPlan.private),
    // Filebeat runs with the other node agents (created with monitoring).
    nodeAgents: { namespace: NODE_AGENTS_NAMESPACE, namespaceResource: monitoring.nodeAgentsNamespace },
    certManager: {
      release: certManager.release,
      namespace: CERT_MANAGER_NAMESPACE,
      selfSignedIssuer: { resource: certManager.selfSignedIssuer, name: SELF_SIGNED_ISSUER },
    },
    filebeatPasswordGeneration: rotation.generations.filebeat,
  });

  // Istio ambient on the system pool; the namespaces it enrols wait for its node agents.
  const mesh = buildMesh(config.mesh, { cluster, monitoring });

  const backupCfg = config.backup;
  const daily = parseDailyCron(backupCfg.schedule);
  if (!daily) throw new pulumi.RunError("entasis:backup.schedule did not parse after validation passed; this is a bug in lib/backupSchedule.ts");
  const retentionDays = tierRetentionDays(backupCfg);
  const drRegion = backupCfg.drRegion;
  const drProvider = drRegion !== undefined ? drRegionProvider(drRegion) : undefined;
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
    vaultLockChangeableForDays: backupCfg.vaultLock.changeableForDays,
    breakGlassRoleArn: keyGuard,
    manageRegionSettings: backupCfg.manageRegionSettings,
    protect: config.data.protect,
    disasterRecovery: drRegion !== undefined && drProvider ? { region: drRegion, provider: drProvider } : undefined,
    backupAccountVaultArn: backupCfg.backupAccountVaultArn,
    // Only this stack's resources, even when dev and prod share an account.
    scopeTags: { Stack: tags.Stack },
    tags,
  });

  const clusterBackup =
    backupCfg.velero.enabled
      ? new ClusterBackup("cluster-backup", {
          ...scope,
          provider: cluster.provider,
          oidcProviderArn: cluster.oidcProviderArn,
          issuerHostPath: cluster.issuerHostPath,
          nodeSelector: systemPool.labels,
          schedule: backupCfg.schedule,
          timezone: backupCfg.timezone,
          retentionDays: retentionDays.daily,
          snapshotVolumes: backupCfg.velero.snapshotVolumes,
          protect: config.data.protect,
          scheduledAfter: onSystemPool,
          tags,
        })
      : undefined;

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
    backup: backupCfg,
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
    systemPool,
    data,
    monitoring,
    certManager,
    timezone: backupCfg.timezone,
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
