import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CACHE_AUTH_TOKEN_SPECIALS } from "../../lib/awsLimits";
import { rotationKeepers } from "../../lib/secretRotation";
import { EncryptionKey } from "../security/encryptionKey";
import { BACKUP_TAG, named } from "../tags";
import { CredentialedStoreArgs, storeCredential } from "./secret";
import { GuardedAwsScope } from "../scope";

/**
 * A rotation of the AUTH token (docs/secret-rotation.md). ElastiCache keeps at most two tokens:
 * ROTATE adds the new one and keeps the previous one valid, so clients move over without an
 * outage; SET, once every client uses the new token, leaves only it valid ("allowed only after
 * ROTATE"). The provider sends either with ApplyImmediately, whatever the group's own setting.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html#auth-modifyng-token
 */
export interface RedisAuthRotation {
  /** The token's generation: a change replaces the generated token. */
  readonly generation: number;
  /** ROTATE (old and new valid) or SET (only the current one valid; same token, so no new one is generated). */
  readonly strategy: "ROTATE" | "SET";
}

/** `protect` also keeps a final snapshot. */
export interface RedisArgs extends CredentialedStoreArgs, Omit<GuardedAwsScope, "region"> {
  /** Replication group ID, <= 40 chars (validated in config). */
  readonly groupId: string;
  /** `redis` or `valkey`. */
  readonly engine: string;
  readonly engineVersion: string;
  readonly nodeType: string;
  /** Primary plus replicas; 2+ for failover and Multi-AZ. */
  readonly nodes: number;
  readonly automaticFailover: boolean;
  readonly multiAz: boolean;
  /** Days (0 turns snapshots off). */
  readonly snapshotRetentionDays: number;
  /** `maxmemory-policy` of the group's parameter group. Default allkeys-lru: ElastiCache's default (volatile-lru) evicts only keys with a TTL. */
  readonly maxmemoryPolicy?: string;
  readonly snapshotWindow: string;
  readonly maintenanceWindow: string;
  /** AZs nodes are spread over, in order (the primary goes to the first). */
  readonly availabilityZones: readonly string[];
  /** The network's ElastiCache subnet group. */
  readonly subnetGroupName: pulumi.Input<string>;
  /** The database security group (6379 from the application tier only). */
  readonly securityGroupIds: pulumi.Input<string>[];
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /**
   * Rotation of the AUTH token. Default none: the token never changes and the group gets no
   * `authTokenUpdateStrategy` (AWS provider 7 has no default for it; adding one would be a diff).
   */
  readonly authTokenRotation?: RedisAuthRotation;
}

/**
 * ElastiCache replication group for caches and queues: TLS in transit (required, not just
 * offered), at-rest encryption with our key, an AUTH token kept in Secrets Manager, nodes spread
 * over the AZs, slow log to CloudWatch Logs.
 */
export class Redis extends pulumi.ComponentResource {
  public readonly group: aws.elasticache.ReplicationGroup;
  public readonly authSecret: aws.secretsmanager.Secret;
  public readonly primaryEndpoint: pulumi.Output<string>;
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:Redis", name, {}, opts);
    const p = args.namePrefix;

    const key = new EncryptionKey(
      `${name}-storage`,
      { description: `${p} ElastiCache at-rest encryption`, alias: `${p}-redis`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags },
      { parent: this },
    );

    // 16..128 printable characters, specials limited to ! & # $ ^ < > -.
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
    const authToken = new random.RandomPassword(
      `${name}-auth-token`,
      { length: 64, special: true, overrideSpecial: CACHE_AUTH_TOKEN_SPECIALS, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2, ...rotationKeepers(args.authTokenRotation?.generation) },
      { parent: this },
    );

    const slowLog = new aws.cloudwatch.LogGroup(
      `${name}-slow-log`,
      { name: `/entasis/${p}/redis/slow-log`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn, tags: named(args.tags, `${p}-redis-slow-log`) },
      { parent: this },
    );

    // A cache evicts any key, least recently used first, when memory is full (the spec's LRU cache);
    // the default group's volatile-lru would evict only keys with a TTL and then refuse writes.
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html
    const family = cacheParameterFamily(args.engine, args.engineVersion);
    const parameters = new aws.elasticache.ParameterGroup(
      `${name}-params`,
      {
        name: `${args.groupId}-${family.replace(".", "-")}`,
        family,
        description: `${p} ${args.engine} ${args.engineVersion}: ${args.maxmemoryPolicy ?? "allkeys-lru"} eviction`,
        parameters: [{ name: "maxmemory-policy", value: args.maxmemoryPolicy ?? "allkeys-lru" }],
        tags: named(args.tags, `${args.groupId}-${family}`),
      },
      { parent: this },
    );

    const azs = args.availabilityZones;
    this.group = new aws.elasticache.ReplicationGroup(
      `${name}-group`,
      {
        replicationGroupId: args.groupId,
        description: `${p} caches and queues`,
        engine: args.engine,
        engineVersion: args.engineVersion,
        nodeType: args.nodeType,
        port: 6379,
        parameterGroupName: parameters.name,
        numCacheClusters: args.nodes,
        // One node per AZ in turn, primary first, so a replica survives the primary's AZ.
        preferredCacheClusterAzs: Array.from({ length: args.nodes }, (_, i) => azs[i % azs.length]),
        automaticFailoverEnabled: args.automaticFailover,
        multiAzEnabled: args.multiAz,
        subnetGroupName: args.subnetGroupName,
        securityGroupIds: args.securityGroupIds,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: pulumi.secret(authToken.result),
        ...(args.authTokenRotation ? { authTokenUpdateStrategy: args.authTokenRotation.strategy } : {}),
        snapshotRetentionLimit: args.snapshotRetentionDays,
        snapshotWindow: args.snapshotWindow,
        maintenanceWindow: args.maintenanceWindow,
        finalSnapshotIdentifier: args.protect ? `${args.groupId}-final` : undefined,
        autoMinorVersionUpgrade: true,
        applyImmediately: false,
        logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
        tags: named(args.tags, args.groupId, BACKUP_TAG),
      },
      { parent: this, protect: args.protect },
    );

    this.primaryEndpoint = this.group.primaryEndpointAddress;
    this.readerEndpoint = this.group.readerEndpointAddress;
    this.port = pulumi.output(6379);

    this.authSecret = storeCredential(this, `${name}-auth`, args, {
      secretName: `${p}/redis/auth`,
      description: `${p} Redis AUTH token and endpoints (TLS required)`,
      value: pulumi.jsonStringify({
        host: this.group.primaryEndpointAddress,
        readerHost: this.group.readerEndpointAddress,
        port: 6379,
        tls: true,
        authToken: pulumi.secret(authToken.result),
      }),
    }).secret;

    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint, readerEndpoint: this.readerEndpoint, authSecretArn: this.authSecret.arn });
  }
}

/**
 * Parameter group family of an engine version: redis 6.x -> redis6.x, redis 7.x -> redis7,
 * valkey 7.x -> valkey7, valkey 8.x -> valkey8 (the families CreateCacheParameterGroup accepts).
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html
 */
export function cacheParameterFamily(engine: string, engineVersion: string): string {
  const major = engineVersion.split(".")[0];
  return engine === "redis" && major === "6" ? "redis6.x" : `${engine}${major}`;
}
