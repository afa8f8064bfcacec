import * as pulumi from "@pulumi/pulumi";
import { backupAccountKeyStatements } from "../lib/keyStatements";
import { Cluster } from "../components/cluster/cluster";
import { CERT_MANAGER_NAMESPACE, CertManager, SELF_SIGNED_ISSUER } from "../components/certmanager/certManager";
import { MONITORING_NAMESPACE, Monitoring, RELEASE_NAME } from "../components/observability/monitoring";
import { Tags } from "../components/tags";
import { BarmanCloudPlugin } from "../components/timeseries/barmanCloudPlugin";
import { TimeseriesBackupStore } from "../components/timeseries/backupStore";
import { CNPG_OPERATOR_POD_LABELS, CnpgOperator } from "../components/timeseries/cnpgOperator";
import { TimeseriesCluster, TimeseriesReplicaSource } from "../components/timeseries/timeseriesCluster";
import { TimeseriesConsumer } from "../components/timeseries/consumers";
import { TimeseriesMonitoring } from "../components/timeseries/timeseriesMonitoring";
import { TimeseriesNetworkPolicies } from "../components/timeseries/timeseriesNetworkPolicies";
import { PrivateCaArgs } from "../components/security/privateCa";
import { parseDailyCron } from "../lib/backupSchedule";
import { cnpgDailyScheduleUtc } from "../lib/cnpgSchedule";
import { BackupConfig } from "./schema/backup";
import { TimeseriesConfig, effectiveRetention } from "./schema/timeseries";
import { GuardedAwsScope } from "../components/scope";

/** The time-series store as the rest of the platform sees it. */
export interface TimeseriesTier {
  readonly operator: CnpgOperator;
  readonly plugin: BarmanCloudPlugin;
  readonly backupStore: TimeseriesBackupStore;
  readonly database: TimeseriesCluster;
  readonly monitoring: TimeseriesMonitoring;
  readonly networkPolicies: TimeseriesNetworkPolicies;
}

export interface TimeseriesTierInputs extends GuardedAwsScope {
  readonly cluster: Cluster;
  readonly certManager: CertManager;
  readonly monitoring: Monitoring;
  /** Platform-managed clients whose egress is restricted (trading-api), for their egress policies. */
  readonly clientEgress: readonly { readonly key: string; readonly namespace: pulumi.Input<string>; readonly podLabels: Readonly<Record<string, string>> }[];
  readonly backup: BackupConfig;
  readonly secretsKeyArn: pulumi.Input<string>;
  readonly secretRecoveryDays: number;
  readonly protect: boolean;
  /** Roles the platform adds for its own workloads (the collectors' schemas), keyed like consumers. Default none. */
  readonly extraConsumers?: Readonly<Record<string, TimeseriesConsumer>>;
  readonly tags: Tags;
  /** Private subnets: where the EKS control plane's ENIs (webhook callers) live. */
  readonly webhookSourceCidrs: readonly string[];
  /** A failover standby's replica of the primary's archive (its DR copy), with the key that encrypts it. Default none. */
  readonly replicaOf?: TimeseriesReplicaSource & { readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
  /** `archive_timeout` in seconds; a failover primary bounds the standby's RPO with it. Default CNPG's. */
  readonly archiveTimeoutSeconds?: number;
  /** Rotation generation of the consumers' passwords (entasis:secretRotation). Default none. */
  readonly consumerPasswordGeneration?: number;
  /**
   * Client namespaces the platform creates before the database (trading-api), keyed by role: each
   * gets the time-series CA bundle. Namespaces created later (the collectors) get theirs with them;
   * app teams request theirs from the ClusterIssuer (docs/timeseries-tls.md). Default none.
   */
  readonly caTrustIn?: PrivateCaArgs["trustIn"];
}

/** CNPG Cluster name: its services are `timeseries-rw`, `-ro`, `-r`, its service account `timeseries`. */
export const TIMESERIES_CLUSTER = "timeseries";

/** Composition of the time-series area (called from buildPlatform). */
export function buildTimeseriesTier(ts: TimeseriesConfig, env: TimeseriesTierInputs): TimeseriesTier {
  const { cluster, namePrefix, tags } = env;
  const provider = cluster.provider;
  const system = cluster.systemPool;
  const pool = cluster.nodePools[ts.pool];
  if (!pool) throw new pulumi.RunError(`entasis:timeseries.pool ${ts.pool} is not a node pool after validation passed; this is a bug in stacks/schema/timeseries.ts`);
  const daily = parseDailyCron(env.backup.schedule);
  if (!daily) throw new pulumi.RunError("entasis:backup.schedule did not parse after validation passed; this is a bug in lib/backupSchedule.ts");

  const operator = new CnpgOperator("cnpg-operator", {
    provider,
    nodeSelector: system.labels,
    scheduledAfter: cluster.scheduledOn(system.poolName),
    monitoringRelease: env.monitoring.release,
    prometheusReleaseLabel: RELEASE_NAME,
    replicas: ts.operatorReplicas,
    webhookSourceCidrs: env.webhookSourceCidrs,
    clusterNamespaces: [ts.namespace],
  });
  const plugin = new BarmanCloudPlugin("barman-cloud", {
    provider,
    operatorNamespace: operator.namespace,
    operatorRelease: operator.release,
    certManagerRelease: env.certManager.release,
    nodeSelector: system.labels,
    scheduledAfter: cluster.scheduledOn(system.poolName),
  });

  const backupStore = new TimeseriesBackupStore("timeseries-backup", {
    namePrefix,
    region: env.region,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    oidcProviderArn: cluster.oidcProviderArn,
    issuerHostPath: cluster.issuerHostPath,
    namespace: ts.namespace,
    serviceAccount: TIMESERIES_CLUSTER,
    protect: env.protect,
    tags,
    // A replica cluster's source (the primary's archive copy) or a recovery's (docs/disaster-recovery.md).
    readSources: [
      ...(env.replicaOf ? [{ bucketArn: env.replicaOf.bucketArn, keyArn: env.replicaOf.keyArn }] : []),
      ...(ts.restore ? [{ bucketArn: pulumi.interpolate`arn:${env.partition}:s3:::${ts.restore.bucket}`, keyArn: ts.restore.kmsKeyArn }] : []),
    ],
  });

  const database = new TimeseriesCluster("timeseries", {
    namePrefix,
    volumeDriver: [cluster.ebsCsi],
    // Its volumes' snapshots keep this key: a copy to the backup account needs that account's use of it.
    volumeKeyStatements: backupAccountKeyStatements(env.backup.backupAccountVaultArn, env.partition),
    region: env.region,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    provider,
    namespace: ts.namespace,
    clusterName: TIMESERIES_CLUSTER,
    instances: ts.instances,
    synchronousReplicas: ts.synchronousReplicas,
    postgresMajor: ts.postgresMajor,
    image: ts.image,
    storageGiB: ts.storageGiB,
    walStorageGiB: ts.walStorageGiB,
    resources: ts.resources,
    pooler: ts.pooler,
    pool: pool.description,
    poolScheduledAfter: cluster.scheduledOn(ts.pool),
    systemPool: system.description,
    systemScheduledAfter: cluster.scheduledOn(system.poolName),
    operatorRelease: operator.release,
    pluginRelease: plugin.release,
    backupBucket: backupStore.bucketName,
    backupRoleArn: backupStore.role.arn,
    backupRetention: effectiveRetention(ts, env.backup),
    // The spec's 01:00 in its zone, as CNPG's six-field cron in UTC (the operator's zone).
    backupSchedule: cnpgDailyScheduleUtc(daily, env.backup.timezone),
    consumers: { ...ts.consumers, ...(env.extraConsumers ?? {}) },
    restore: ts.restore,
    secretsKeyArn: env.secretsKeyArn,
    secretRecoveryDays: env.secretRecoveryDays,
    protect: env.protect,
    tags,
    replicaOf: env.replicaOf ? { bucket: env.replicaOf.bucket, region: env.replicaOf.region, serverName: env.replicaOf.serverName, promoted: env.replicaOf.promoted } : undefined,
    archiveTimeoutSeconds: env.archiveTimeoutSeconds,
    consumerPasswordGeneration: env.consumerPasswordGeneration,
    tls: {
      certManagerRelease: env.certManager.release,
      certManagerNamespace: CERT_MANAGER_NAMESPACE,
      selfSignedIssuer: { resource: env.certManager.selfSignedIssuer, name: SELF_SIGNED_ISSUER },
      trustIn: env.caTrustIn,
    },
  });

  const namespace = database.namespace.metadata.name;
  const monitoring = new TimeseriesMonitoring("timeseries-monitoring", {
    provider,
    namespace,
    clusterName: TIMESERIES_CLUSTER,
    poolerName: database.poolerName,
    monitoringRelease: env.monitoring.release,
    releaseLabel: RELEASE_NAME,
    alerts: { namespace: ts.namespace, clusterName: TIMESERIES_CLUSTER, instances: ts.instances, ...ts.alerts },
  });

  const networkPolicies = new TimeseriesNetworkPolicies("timeseries-network-policies", {
    provider,
    namespace,
    clusterName: TIMESERIES_CLUSTER,
    poolerName: database.poolerName,
    operator: { namespace: operator.namespace, podLabels: CNPG_OPERATOR_POD_LABELS },
    prometheus: { namespace: MONITORING_NAMESPACE, podLabels: { "app.kubernetes.io/name": "prometheus" } },
    clientNamespaces: ts.clientNamespaces,
    namespaceName: ts.namespace,
    clientEgress: env.clientEgress,
  });

  return { operator, plugin, backupStore, database, monitoring, networkPolicies };
}
