import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConnectionSecrets } from "../components/data/connectionSecrets";
import { ObjectStorage } from "../components/data/objectStorage";
import { Postgres, PostgresReplicaSource } from "../components/data/postgres";
import { PostgresProxy } from "../components/data/postgresProxy";
import { Redis } from "../components/data/redis";
import { Network } from "../components/network/network";
import { SecurityGroups } from "../components/network/securityGroups";
import { EncryptionKey } from "../components/security/encryptionKey";
import { Tags } from "../components/tags";
import { proxyName, redisGroupId } from "../lib/dataNames";
import { DataConfig } from "./schema/data";
import { SecretRotationPlan } from "./schema/secretRotation";
import { GuardedAwsScope } from "../components/scope";

/** The data tier as the rest of the platform sees it. */
export interface DataTier {
  readonly secretsKey: EncryptionKey;
  readonly postgres: Postgres;
  readonly proxy?: PostgresProxy;
  readonly redis: Redis;
  readonly objectStorage: ObjectStorage;
  readonly connectionSecrets: ConnectionSecrets;
}

export interface DataTierInputs extends GuardedAwsScope {
  readonly availabilityZones: readonly string[];
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly tags: Tags;
  /** A failover standby's PostgreSQL: a cross-region replica of the primary stack's. Default none. */
  readonly postgresReplicaOf?: PostgresReplicaSource;
  /** Statements that share the keys of backed-up data with the backup account (lib/keyStatements.ts). Default none. */
  readonly copyKeyStatements?: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  /** entasis:secretRotation: the master password's generation and the Redis token's update. Default none rotated. */
  readonly rotation?: SecretRotationPlan;
}

/** Composition of the data area (called from buildPlatform); top-level components named after their role. */
export function buildDataTier(data: DataConfig, env: DataTierInputs): DataTier {
  const { namePrefix, region, accountId, partition, breakGlassRoleArn, network, securityGroups, tags } = env;
  const protect = data.protect;

  // One key for every data-tier secret, so app roles get one kms:Decrypt grant (via Secrets Manager only).
  const secretsKey = new EncryptionKey("data-secrets", { description: `${namePrefix} data-tier secrets`, alias: `${namePrefix}-data-secrets`, accountId, partition, breakGlassRoleArn, tags });

  const postgres = new Postgres("postgres", {
    ...data.postgres,
    namePrefix,
    region,
    accountId,
    partition,
    breakGlassRoleArn,
    logRetentionDays: data.logRetentionDays,
    subnetGroupName: network.dbSubnetGroup.name,
    securityGroupIds: [securityGroups.ids.database],
    secretsKeyArn: secretsKey.arn,
    logsKeyArn: network.logsKey.arn,
    secretRecoveryDays: data.secretRecoveryDays,
    protect,
    tags,
    replicaOf: env.postgresReplicaOf,
    storageKeyStatements: env.copyKeyStatements,
    masterPasswordGeneration: env.rotation?.generations.postgresMaster,
  });

  const consumers = data.postgres.consumers;
  const proxy = data.postgres.proxy.enabled
    ? new PostgresProxy("postgres-proxy", {
        namePrefix,
        proxyName: proxyName(namePrefix),
        region,
        accountId,
        partition,
        vpcId: network.vpcId,
        subnetIds: network.databaseSubnetIds,
        applicationSecurityGroupId: securityGroups.ids.application,
        databaseSecurityGroupId: securityGroups.ids.database,
        dbInstanceIdentifier: postgres.identifier,
        dbResourceId: postgres.resourceId,
        usernames: Object.values(consumers).map((c) => c.username),
        idleClientTimeoutSeconds: data.postgres.proxy.idleClientTimeoutSeconds,
        maxConnectionsPercent: data.postgres.proxy.maxConnectionsPercent,
        tags,
      })
    : undefined;

  const redis = new Redis("redis", {
    ...data.redis,
    namePrefix,
    groupId: redisGroupId(namePrefix),
    accountId,
    partition,
    breakGlassRoleArn,
    availabilityZones: env.availabilityZones,
    subnetGroupName: network.cacheSubnetGroup.name,
    securityGroupIds: [securityGroups.ids.database],
    secretsKeyArn: secretsKey.arn,
    logsKeyArn: network.logsKey.arn,
    logRetentionDays: data.logRetentionDays,
    secretRecoveryDays: data.secretRecoveryDays,
    protect,
    tags,
    authTokenRotation: env.rotation?.redis,
  });

  const objectStorage = new ObjectStorage("object-storage", {
    namePrefix,
    region,
    accountId,
    partition,
    breakGlassRoleArn,
    marketData: data.objectStorage.marketData,
    accessLogs: data.objectStorage.accessLogs,
    elbLogDeliveryArn: aws.elb.getServiceAccountOutput({}).arn,
    protect,
    tags,
  });

  const connectionSecrets = new ConnectionSecrets("connection-secrets", {
    namePrefix,
    consumers,
    postgres: { host: postgres.address, port: postgres.port, dbname: data.postgres.databaseName, readerHost: postgres.readerAddress, proxyHost: proxy?.endpoint },
    redis: { host: redis.primaryEndpoint, readerHost: redis.readerEndpoint, port: redis.port, authSecretArn: redis.authSecret.arn },
    secretsKeyArn: secretsKey.arn,
    recoveryWindowInDays: data.secretRecoveryDays,
    protect,
    tags,
  });

  return { secretsKey, postgres, proxy, redis, objectStorage, connectionSecrets };
}
