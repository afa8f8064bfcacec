import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { GENERAL_POOL_SELECTOR } from "../components/cluster/clusterSettings";
import { RabbitMqBroker } from "../components/messaging/broker";
import { BrokerUserProvisioner } from "../components/messaging/userProvisioner";
import { Network } from "../components/network/network";
import { SecurityGroups } from "../components/network/securityGroups";
import { Tags } from "../components/tags";
import { SubnetPlan } from "../lib/subnetPlan";
import { DataTier } from "./data";
import { MessagingConfig, brokerNameOf } from "./schema/messaging";

/** The message queue as the rest of the platform sees it; absent when entasis:messaging.enabled is false. */
export interface MessagingTier {
  readonly broker: RabbitMqBroker;
  readonly provisioner: BrokerUserProvisioner;
}

export interface MessagingTierInputs {
  readonly namePrefix: string;
  /** Stack name (the broker is named after it). */
  readonly stack: string;
  readonly subnetPlan: SubnetPlan;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly cluster: Cluster;
  readonly data: DataTier;
  readonly secretRecoveryDays: number;
  readonly protect: boolean;
  readonly tags: Tags;
  /** Region of the broker and its secrets. */
  readonly region: string;
  /** Rotation generation of the applications' broker passwords (entasis:secretRotation). Default none. */
  readonly userPasswordGeneration?: number;
}

/** Composition of the messaging area (called from buildPlatform). */
export function buildMessagingTier(mq: MessagingConfig, env: MessagingTierInputs): MessagingTier | undefined {
  if (!mq.enabled) return undefined;
  const { namePrefix, network, securityGroups, cluster, tags } = env;
  const broker = new RabbitMqBroker("messaging", {
    namePrefix,
    brokerName: brokerNameOf(env.stack),
    engineVersion: mq.engineVersion,
    hostInstanceType: mq.hostInstanceType,
    deploymentMode: mq.deploymentMode,
    maintenanceWindow: mq.maintenanceWindow,
    adminUsername: mq.adminUsername,
    users: mq.users,
    vpcId: network.vpcId,
    databaseSubnetIds: network.databaseSubnetIds,
    applicationSecurityGroupId: securityGroups.ids.application,
    userPasswordGeneration: env.userPasswordGeneration,
    secretsKeyArn: env.data.secretsKey.arn,
    secretRecoveryDays: env.secretRecoveryDays,
    protect: env.protect,
    tags,
  });
  const generalPool = Object.values(cluster.nodePools).find((pool) => pool.labels.role === GENERAL_POOL_SELECTOR.role);
  if (!generalPool) throw new pulumi.RunError(`no node pool is labelled role=${GENERAL_POOL_SELECTOR.role}; the RabbitMQ user provisioner runs there`);
  const provisioner = new BrokerUserProvisioner("messaging-users", {
    managementUrl: broker.managementUrl,
    managementHost: broker.host,
    adminSecretArn: broker.adminSecret.arn,
    secretsKeyArn: env.data.secretsKey.arn,
    region: env.region,
    oidcProviderArn: cluster.oidcProviderArn,
    issuerHostPath: cluster.issuerHostPath,
    namePrefix: env.namePrefix,
    tags: env.tags,
    users: mq.users,
    passwords: broker.userPasswords,
    databaseCidrs: Object.values(env.subnetPlan.database),
    nodeSelector: GENERAL_POOL_SELECTOR,
    // The admin secret's value names the broker's host: written as the broker is ready, so the Job waits for it.
    dependsOn: [broker.broker, broker.adminSecretVersion, ...cluster.scheduledOn(generalPool.poolName)],
    provider: cluster.provider,
    passwordGeneration: env.userPasswordGeneration,
  });
  return { broker, provisioner };
}
