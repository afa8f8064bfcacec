import * as pulumi from "@pulumi/pulumi";
import { ConfigStore, ConfigValue } from "../components/config/configStore";
import { Tags } from "../components/tags";
import { DataTier } from "./data";
import { MessagingTier } from "./messaging";
import { ConfigStoreConfig } from "./schema/configStore";
import { DataConfig } from "./schema/data";
import { GuardedAwsScope } from "../components/scope";

export interface ConfigStoreInputs extends GuardedAwsScope {
  readonly environment: string;
  readonly data: DataTier;
  readonly dataConfig: DataConfig;
  readonly messaging?: MessagingTier;
  readonly tags: Tags;
}

/**
 * Composition of the configuration store (called from buildPlatform): the spec's keys per
 * application, written from the platform's own outputs, plus the values from config.
 */
export function buildConfigStore(store: ConfigStoreConfig, env: ConfigStoreInputs): ConfigStore | undefined {
  if (!store.enabled) return undefined;
  const { data, dataConfig } = env;
  const pg = dataConfig.postgres;
  // Through RDS Proxy when there is one (prod), as the connection secrets do.
  const dbHost = data.proxy?.endpoint ?? data.postgres.address;
  const apps: Record<string, Record<string, ConfigValue>> = {};
  for (const [app, { values }] of Object.entries(store.apps)) {
    const consumer = pg.consumers[app];
    const user = consumer ? `${consumer.username}@` : "";
    apps[app] = {
      // No password in it (IAM auth tokens), but a connection string is treated as a secret. Only
      // for applications with a PostgreSQL user (the collectors write to TimescaleDB instead).
      ...(consumer
        ? {
            "database/url": {
              value: pulumi.interpolate`postgresql://${user}${dbHost}:${data.postgres.port}/${pg.databaseName}?sslmode=verify-full`,
              secure: true,
              description: `PostgreSQL URL for ${app} (IAM auth token as password, TLS verify-full)`,
            },
          }
        : {}),
      "redis/enabled": { value: "true", secure: false, description: "Redis (ElastiCache, TLS + AUTH) is provisioned" },
      ...(env.messaging ? { "rabbitmq/url": { value: env.messaging.broker.amqpsEndpoint, secure: false, description: "RabbitMQ AMQPS endpoint (credentials in the app's broker secret)" } } : {}),
      ...Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secure: false, description: `${key} (entasis:configStore)` }])),
    };
  }
  return new ConfigStore("config-store", { namePrefix: env.namePrefix, region: env.region, accountId: env.accountId, partition: env.partition, breakGlassRoleArn: env.breakGlassRoleArn, environment: env.environment, apps, tags: env.tags });
}
