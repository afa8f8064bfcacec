import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { CollectorAccess } from "../components/collectors/collector";
import { Collectors } from "../components/collectors/collectors";
import { collectorNames } from "../components/collectors/names";
import { ConfigStore } from "../components/config/configStore";
import { MONITORING_NAMESPACE, Monitoring, RELEASE_NAME } from "../components/observability/monitoring";
import { Tags } from "../components/tags";
import { TimeseriesConsumer } from "../components/timeseries/consumers";
import { SubnetPlan } from "../lib/subnetPlan";
import { DataTier } from "./data";
import { GENERAL_POOL_SELECTOR } from "../components/cluster/clusterSettings";
import { MessagingTier } from "./messaging";
import { CollectorsConfig, enabledFeeds } from "./schema/collectors";
import { MessagingConfig } from "./schema/messaging";
import { TimeseriesTier } from "./timeseries";
import { AwsScope } from "../components/scope";

type BrokerUser = MessagingConfig["users"][string];

/** Each collector's broker user: its own exchange and queues on the collectors' vhost, nothing else. */
export function collectorBrokerUsers(c: CollectorsConfig): Record<string, BrokerUser> {
  return Object.fromEntries(
    Object.keys(enabledFeeds(c)).map((feed) => {
      const n = collectorNames(feed);
      return [n.app, { username: n.user, vhost: c.vhost, permissions: { configure: n.brokerPermission, write: n.brokerPermission, read: n.brokerPermission } }];
    }),
  );
}

/** Each collector's configuration tree: where it connects and where it publishes and writes. */
export function collectorConfigApps(c: CollectorsConfig): Record<string, { values: Record<string, string> }> {
  return Object.fromEntries(
    Object.entries(enabledFeeds(c)).map(([feed, f]) => {
      const n = collectorNames(feed);
      return [
        n.app,
        {
          values: {
            "feed/target/host": f.target.host,
            "feed/target/ports": f.target.ports.join(","),
            "rabbitmq/vhost": c.vhost,
            "rabbitmq/exchange": n.exchange,
            "rabbitmq/queue": n.queue,
            "timeseries/database": c.database,
            "timeseries/schema": n.schema,
          },
        },
      ];
    }),
  );
}

/**
 * Each collector's TimescaleDB role: a schema of its own in the market-data database. When no
 * consumer of `entasis:timeseries` owns that database, its owner comes with the collectors (role
 * and key named after the database, e.g. market_data / market-data), so the schemas have a home.
 */
export function collectorTimeseriesConsumers(c: CollectorsConfig, configured: Readonly<Record<string, { readonly database: string }>>): Record<string, TimeseriesConsumer> {
  const feeds = Object.keys(enabledFeeds(c));
  if (feeds.length === 0) return {};
  const owner = Object.values(configured).some((t) => t.database === c.database) ? {} : { [databaseOwnerKey(c.database)]: { username: c.database, database: c.database } };
  return {
    ...owner,
    ...Object.fromEntries(feeds.map((feed) => {
      const n = collectorNames(feed);
      return [n.app, { username: n.user, database: c.database, schema: n.schema }];
    })),
  };
}

/** Consumer key of the market-data database's owner when the collectors bring it: `market_data` -> `market-data`. */
export function databaseOwnerKey(database: string): string {
  return database.replace(/_/g, "-");
}

export interface CollectorsInputs extends AwsScope {
  readonly subnetPlan: SubnetPlan;
  readonly cluster: Cluster;
  readonly data: DataTier;
  readonly monitoring: Monitoring;
  readonly timeseries: TimeseriesTier;
  readonly timeseriesNamespace: string;
  readonly messaging?: MessagingTier;
  readonly configStore?: ConfigStore;
  readonly environment: string;
  /** Namespace labels and what the namespace waits for when the mesh enrols it. Default none. */
  readonly mesh?: { readonly labels: Readonly<Record<string, string>>; readonly after: readonly pulumi.Resource[] };
  readonly tags: Tags;
}

/** Composition of the collectors (called from buildPlatform); undefined when off or no feed is enabled. */
export function buildCollectors(c: CollectorsConfig, env: CollectorsInputs): Collectors | undefined {
  const feeds = enabledFeeds(c);
  if (Object.keys(feeds).length === 0) return undefined;
  const { cluster, timeseries } = env;
  const generalPool = Object.values(cluster.nodePools).find((pool) => pool.labels.role === GENERAL_POOL_SELECTOR.role);
  if (!generalPool) throw new pulumi.RunError(`no node pool is labelled role=${GENERAL_POOL_SELECTOR.role}; the collectors run there`);

  const access: Record<string, CollectorAccess> = {};
  for (const feed of Object.keys(feeds)) {
    const n = collectorNames(feed);
    const timeseriesSecretArn = timeseries.database.consumers.arns[n.app];
    if (!timeseriesSecretArn) throw new pulumi.RunError(`collector ${n.app} has no time-series role; this is a bug in stacks/platform.ts (collectorTimeseriesConsumers)`);
    const scope = { environment: env.environment, region: env.region, accountId: env.accountId, partition: env.partition };
    access[feed] = {
      configStatements: env.configStore && env.configStore.prefixes[n.app] ? env.configStore.readStatements(n.app, scope) : [],
      configPath: env.configStore?.prefixes[n.app],
      brokerSecretArn: env.messaging?.broker.userSecrets[n.app]?.arn,
      timeseriesSecretArn,
      secretsKeyArn: env.data.secretsKey.arn,
    };
  }

  return new Collectors("collectors", {
    namePrefix: env.namePrefix,
    region: env.region,
    provider: cluster.provider,
    oidcProviderArn: cluster.oidcProviderArn,
    issuerHostPath: cluster.issuerHostPath,
    namespace: c.namespace,
    namespaceLabels: env.mesh?.labels,
    namespaceAfter: env.mesh?.after,
    feeds,
    access,
    nodeSelector: GENERAL_POOL_SELECTOR,
    scheduledAfter: cluster.scheduledOn(generalPool.poolName),
    // Pods start once their broker user exists. Not after the database: it runs on the
    // data-processing pool, which the collectors must not wait for (they retry their connection).
    readyAfter: env.messaging ? [env.messaging.provisioner] : [],
    databaseCidrs: Object.values(env.subnetPlan.database),
    pooler: { namespace: env.timeseriesNamespace, podLabels: { "cnpg.io/poolerName": timeseries.database.poolerName } },
    prometheus: { namespace: MONITORING_NAMESPACE, podLabels: { "app.kubernetes.io/name": "prometheus" } },
    monitoringRelease: env.monitoring.release,
    releaseLabel: RELEASE_NAME,
    alerts: c.alerts,
    timeseriesCa: timeseries.database.tls.caIssuer,
    tags: env.tags,
  });
}
