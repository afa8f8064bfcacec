import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { postgresIdentifier, rdsLogGroupName, replicaIdentifier } from "../../lib/dataNames";
import { EncryptionKey } from "../security/encryptionKey";
import { BACKUP_TAG, Tags, named } from "../tags";
import { CredentialedStoreArgs, storeCredential } from "./secret";
import { rotationKeepers } from "../../lib/secretRotation";
import { GuardedAwsScope } from "../scope";

export interface PostgresReplicaArgs {
  /** Default: the primary's class. */
  readonly instanceClass?: string;
  /** Default: RDS picks one. */
  readonly availabilityZone?: string;
}

/**
 * Point-in-time restore of the primary from automated backups, done by the program itself (the
 * ha-mode regional recovery, docs/disaster-recovery.md): RDS creates the instance from the backups,
 * and the stack manages exactly that instance from then on, so nothing is imported and nothing is
 * replaced. Keep it in the stack's config for the stack's life: `restoreToPointInTime` is ForceNew.
 */
export interface PostgresRestore {
  /** ARN of the (replicated) automated backups to restore from, in the stack's region (`arn:...:auto-backup:ab-...`). */
  readonly sourceAutomatedBackupsArn: string;
  /**
   * Key ARN (not an alias) the backups are encrypted with: the restored instance keeps it, so the
   * primary, its replicas (same-region replicas use the source's key) and Performance Insights are
   * declared with it. A different `kmsKeyId` would replace the restored database.
   */
  readonly kmsKeyArn: string;
  /** UTC time to restore to. Default: the backups' latest restorable time. */
  readonly restoreTime?: string;
}

/** `protect` also turns on deletion protection and a final snapshot. */
export interface PostgresArgs extends CredentialedStoreArgs, GuardedAwsScope {
  /**
   * Extra statements of the storage key, e.g. the backup account's copy access (lib/keyStatements.ts).
   * Not applied to a restored instance, which keeps its source's key. Default none.
   */
  readonly storageKeyStatements?: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  /** "17" (minors follow AWS) or "17.7" (pinned); the parameter family is `postgres<major>`. */
  readonly engineVersion: string;
  readonly autoMinorVersionUpgrade: boolean;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling, above allocatedStorageGiB. */
  readonly maxAllocatedStorageGiB: number;
  readonly multiAz: boolean;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** 0..35 days; at least 1 when there are replicas. */
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly performanceInsights: { readonly enabled: boolean; readonly retentionDays: number };
  /** 0 turns Enhanced Monitoring off. */
  readonly monitoringIntervalSeconds: number;
  readonly logExports: readonly string[];
  readonly logRetentionDays: number;
  /** log_min_duration_statement in ms; -1 off. */
  readonly slowQueryMs: number;
  /** `max_connections` (static, applied at the next reboot). Default: RDS's LEAST(memory/9531392, 5000). */
  readonly maxConnections?: number;
  /** Create the primary by a point-in-time restore instead of empty. Default none (a new, empty database). */
  readonly restore?: PostgresRestore;
  /** Read replicas keyed by a stable name. Default none. */
  readonly replicas?: Readonly<Record<string, PostgresReplicaArgs>>;
  /** The network's DB subnet group (database subnets only). */
  readonly subnetGroupName: pulumi.Input<string>;
  /** The database security group (5432 from the application tier). */
  readonly securityGroupIds: pulumi.Input<string>[];
  /** Key for the exported-log groups (must allow CloudWatch Logs). */
  readonly logsKeyArn: pulumi.Input<string>;
  /**
   * Make the primary instance a cross-region read replica of another stack's primary (a failover
   * standby); `promoted` turns it into a standalone primary. Default none: a primary of its own.
   */
  readonly replicaOf?: PostgresReplicaSource;
  /**
   * Rotation generation of the master password: a change generates a new one, which RDS applies
   * at once without an outage (ModifyDBInstance MasterUserPassword) and the master secret gets as
   * a new version. Default none: never rotated, no keepers (docs/secret-rotation.md).
   */
  readonly masterPasswordGeneration?: number;
}

/** The source of a cross-region replica and the switch that promotes it (docs/failover.md). */
export interface PostgresReplicaSource {
  /** ARN of the source instance in the other region (RDS requires the ARN across regions). */
  readonly sourceArn: pulumi.Input<string>;
  /** false: replicate; true: promoted (no source; backups, Multi-AZ and the master password of this stack). */
  readonly promoted: boolean;
}

/**
 * RDS for PostgreSQL: the primary (writes), read replicas (reports, status queries), a parameter
 * group that forces TLS, Enhanced Monitoring and Performance Insights, exported logs in our own
 * KMS-encrypted log groups, and the master credential in Secrets Manager.
 *
 * The master password comes from `@pulumi/random` rather than RDS-managed secrets because RDS
 * cannot create read replicas of a source whose master password it manages in Secrets Manager.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations
 */
export class Postgres extends pulumi.ComponentResource {
  public readonly primary: aws.rds.Instance;
  /** Replicas keyed by their config name. */
  public readonly replicas: Readonly<Record<string, aws.rds.Instance>>;
  /** The stack's own storage key; none when the primary is restored (it keeps its backups' key). */
  public readonly storageKey?: EncryptionKey;
  public readonly masterSecret: aws.secretsmanager.Secret;
  /** The master secret's value (its current version): whoever reads the password at run time waits for it. */
  public readonly masterSecretVersion: aws.secretsmanager.SecretVersion;
  public readonly address: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** First replica's address (config order), or the primary's when there is none. */
  public readonly readerAddress: pulumi.Output<string>;
  public readonly identifier: pulumi.Output<string>;
  /** `db-...` resource ID, the resource part of `rds-db:connect` ARNs for IAM authentication. */
  public readonly resourceId: pulumi.Output<string>;
  /** Each replica's own `db-...` resource ID, keyed like `replicas`: IAM tokens are per instance. */
  public readonly replicaResourceIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Master password (secret): for the role bootstrap Job only. */
  public readonly masterPassword: pulumi.Output<string>;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:Postgres", name, {}, opts);
    const p = args.namePrefix;
    const identifier = postgresIdentifier(p);
    const major = args.engineVersion.split(".")[0];
    const replicas = args.replicas ?? {};
    const pi = args.performanceInsights;

    // A restored instance keeps the key of the backups it comes from; same-region replicas always
    // use their source's key (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html,
    // KmsKeyId). Declaring any other key would force a new database (kmsKeyId is ForceNew).
    const restore = args.restore;
    let dataKeyArn: pulumi.Input<string>;
    if (restore) {
      dataKeyArn = restore.kmsKeyArn;
    } else {
      this.storageKey = new EncryptionKey(
        `${name}-storage`,
        { description: `${p} PostgreSQL storage and Performance Insights`, alias: `${p}-postgres`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, statements: args.storageKeyStatements, tags: args.tags },
        { parent: this },
      );
      dataKeyArn = this.storageKey.arn;
    }

    // TLS is forced server-side, so a client that forgets sslmode fails instead of sending
    // credentials and orders in clear text. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
    const parameters = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family: `postgres${major}`,
        description: `${p} PostgreSQL ${major}: TLS only, slow-query and connection logging`,
        parameters: [
          { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
          { name: "log_min_duration_statement", value: String(args.slowQueryMs), applyMethod: "immediate" },
          { name: "log_connections", value: "1", applyMethod: "immediate" },
          { name: "log_disconnections", value: "1", applyMethod: "immediate" },
          { name: "log_lock_waits", value: "1", applyMethod: "immediate" },
          { name: "log_statement", value: "ddl", applyMethod: "immediate" },
          { name: "log_temp_files", value: "0", applyMethod: "immediate" },
          { name: "log_autovacuum_min_duration", value: "10000", applyMethod: "immediate" },
          // The connection budget's ceiling (lib/connectionBudget.ts); a static parameter.
          ...(args.maxConnections !== undefined ? [{ name: "max_connections", value: String(args.maxConnections), applyMethod: "pending-reboot" }] : []),
        ],
        tags: named(args.tags, `${p}-postgres${major}`),
      },
      { parent: this },
    );

    let monitoringRole: aws.iam.Role | undefined;
    if (args.monitoringIntervalSeconds > 0) {
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
      monitoringRole = new aws.iam.Role(
        `${name}-monitoring`,
        {
          description: `${p} RDS Enhanced Monitoring`,
          assumeRolePolicy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
          },
          tags: named(args.tags, `${p}-rds-monitoring`),
        },
        { parent: this },
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-monitoring`,
        { role: monitoringRole.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole` },
        { parent: this },
      );
    }

    // RDS would create these groups itself, unencrypted and kept forever; creating them first
    // gives them our retention and key. Named after the DB identifier, so they are per instance.
    const logGroups = (id: string, role: string): aws.cloudwatch.LogGroup[] =>
      args.logExports.map(
        (logType) =>
          new aws.cloudwatch.LogGroup(
            `${name}-${role}-${logType}`,
            { name: rdsLogGroupName(id, logType), retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn, tags: named(args.tags, `${id}-${logType}`) },
            { parent: this },
          ),
      );

    const masterPassword = new random.RandomPassword(
      `${name}-master-password`,
      {
        length: 40,
        special: true,
        // RDS refuses / " @ and space in PostgreSQL master passwords; these also need no quoting in shells or URLs' userinfo.
        overrideSpecial: "!#%^*()-_=+[]{}<>:?",
        minUpper: 2,
        minLower: 2,
        minNumeric: 2,
        minSpecial: 2,
        ...rotationKeepers(args.masterPasswordGeneration),
      },
      { parent: this },
    );

    // Settings every instance shares, primary and replicas alike.
    const common = {
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: dataKeyArn,
      maxAllocatedStorage: args.maxAllocatedStorageGiB,
      vpcSecurityGroupIds: args.securityGroupIds,
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      maintenanceWindow: args.maintenanceWindow,
      autoMinorVersionUpgrade: args.autoMinorVersionUpgrade,
      allowMajorVersionUpgrade: false,
      iamDatabaseAuthenticationEnabled: true,
      // RSA 2048 CA valid until 2061; clients pin the RDS CA bundle for verify-full.
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
      caCertIdentifier: "rds-ca-rsa2048-g1",
      performanceInsightsEnabled: pi.enabled,
      performanceInsightsKmsKeyId: pi.enabled ? dataKeyArn : undefined,
      performanceInsightsRetentionPeriod: pi.enabled ? pi.retentionDays : undefined,
      monitoringInterval: args.monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole?.arn,
      enabledCloudwatchLogsExports: [...args.logExports],
      copyTagsToSnapshot: true,
      deletionProtection: args.protect,
    };

    const standalone = {
      // A restore brings the database and the master user of its source (both ForceNew, Optional
      // and Computed: left out, they take the restored values); the password is set after it.
      ...(restore
        ? {
            restoreToPointInTime: {
              sourceDbInstanceAutomatedBackupsArn: restore.sourceAutomatedBackupsArn,
              restoreTime: restore.restoreTime,
              useLatestRestorableTime: restore.restoreTime === undefined ? true : undefined,
            },
          }
        : { dbName: args.databaseName, username: args.masterUsername }),
      password: pulumi.secret(masterPassword.result),
      multiAz: args.multiAz,
      backupRetentionPeriod: args.backupRetentionDays,
      backupWindow: args.backupWindow,
      // Keep automated backups after deletion where the data matters.
      deleteAutomatedBackups: !args.protect,
      skipFinalSnapshot: !args.protect,
      finalSnapshotIdentifier: args.protect ? `${identifier}-final` : undefined,
      tags: named(args.tags, identifier, BACKUP_TAG),
    };
    this.primary = new aws.rds.Instance(
      `${name}-primary`,
      {
        ...common,
        identifier,
        engine: "postgres",
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGiB,
        port: 5432,
        dbSubnetGroupName: args.subnetGroupName,
        ...(args.replicaOf ? replicaSettings(args.replicaOf, standalone, identifier, args.tags) : standalone),
      },
      {
        parent: this,
        protect: args.protect,
        dependsOn: logGroups(identifier, "primary"),
        // A restore replays transaction logs for as long as it takes; the provider's default create
        // timeout (40 min) would fail `pulumi up` while RDS keeps restoring.
        ...(restore ? { customTimeouts: { create: "3h" } } : {}),
      },
    );

    const replicaInstances: Record<string, aws.rds.Instance> = {};
    for (const [key, replica] of Object.entries(replicas)) {
      const id = replicaIdentifier(p, key);
      // Same-region replica: the source's identifier, no subnet group, user or password (all
      // inherited), no backups of its own and no final snapshot (RDS refuses one for replicas).
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html
      replicaInstances[key] = new aws.rds.Instance(
        `${name}-replica-${key}`,
        {
          ...common,
          identifier: id,
          replicateSourceDb: this.primary.identifier,
          instanceClass: replica.instanceClass ?? args.instanceClass,
          availabilityZone: replica.availabilityZone,
          multiAz: false,
          backupRetentionPeriod: 0,
          skipFinalSnapshot: true,
          // Not tagged for AWS Backup: a replica holds the primary's data, a second backup adds cost and no recovery point.
          tags: named(args.tags, id, { Role: "read-replica" }),
        },
        { parent: this, protect: args.protect, dependsOn: logGroups(id, `replica-${key}`) },
      );
    }
    this.replicas = replicaInstances;

    this.address = this.primary.address;
    this.port = this.primary.port;
    this.identifier = this.primary.identifier;
    this.resourceId = this.primary.resourceId;
    this.replicaResourceIds = Object.fromEntries(Object.entries(replicaInstances).map(([key, r]) => [key, r.resourceId]));
    this.masterPassword = pulumi.secret(masterPassword.result);
    const firstReplica = Object.values(replicaInstances)[0];
    this.readerAddress = firstReplica ? firstReplica.address : this.primary.address;

    // The document shape of RDS credential secrets, so Secrets Manager's rotation functions can use it.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
    const master = storeCredential(this, `${name}-master`, args, {
      secretName: `${p}/postgres/master`,
      description: `${p} PostgreSQL master user (break-glass and schema bootstrap only; applications use IAM authentication)`,
      value: pulumi.jsonStringify({
        engine: "postgres",
        host: this.primary.address,
        port: this.primary.port,
        dbname: args.databaseName,
        username: args.masterUsername,
        password: pulumi.secret(masterPassword.result),
        dbInstanceIdentifier: identifier,
      }),
    });
    this.masterSecret = master.secret;
    this.masterSecretVersion = master.version;

    this.registerOutputs({ address: this.address, readerAddress: this.readerAddress, port: this.port, masterSecretArn: this.masterSecret.arn });
  }
}

/**
 * The primary instance's settings as a cross-region read replica, or once promoted.
 * - Replicating: `replicateSourceDb` is the source's ARN (RDS requires the ARN across regions); the
 *   key (`kmsKeyId`, in common) is this stack's, of this region, since a KMS key never leaves its
 *   region; the DB subnet group and parameter group are this stack's own. Database name, master
 *   user and password come from the source; no backups of its own (a PostgreSQL replica keeps
 *   none), no final snapshot, and no AWS Backup tag (it holds the primary's data).
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html
 *   https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/#replicatesourcedb_nodejs
 *   ("If replicating an Instance in a different region, use the arn of the source DB ... a
 *   cross-region replica of an encrypted database ... will also need to specify a kmsKeyId")
 * - Promoted: removing `replicateSourceDb` makes the provider promote the replica to a standalone
 *   instance; it then applies this stack's backup retention and window, Multi-AZ and master
 *   password (ModifyDBInstance) like any other change.
 *   https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/ (replicateSourceDb)
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html
 * The database name and master user stay unset in both states (they are the source's, and
 * `dbName` would force a new instance if it ever differed).
 */
function replicaSettings(
  source: PostgresReplicaSource,
  standalone: { readonly password: pulumi.Output<string>; readonly multiAz: boolean; readonly backupRetentionPeriod: number; readonly backupWindow: string; readonly deleteAutomatedBackups: boolean; readonly skipFinalSnapshot: boolean; readonly finalSnapshotIdentifier?: string; readonly tags: Record<string, string> },
  identifier: string,
  tags: Tags,
): Partial<aws.rds.InstanceArgs> {
  if (source.promoted) {
    const { password, multiAz, backupRetentionPeriod, backupWindow, deleteAutomatedBackups, skipFinalSnapshot, finalSnapshotIdentifier } = standalone;
    // At once, not in the next maintenance window: the Multi-AZ conversion runs online.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Migrating.html
    return { password, multiAz, backupRetentionPeriod, backupWindow, deleteAutomatedBackups, skipFinalSnapshot, finalSnapshotIdentifier, applyImmediately: true, tags: named(tags, identifier, { ...BACKUP_TAG, Role: "promoted-standby" }) };
  }
  return {
    replicateSourceDb: source.sourceArn,
    multiAz: false,
    backupRetentionPeriod: 0,
    skipFinalSnapshot: true,
    tags: named(tags, identifier, { Role: "cross-region-replica" }),
  };
}
