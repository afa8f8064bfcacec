import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { ResourceRule, isSet, resourceRule } from "./common";
import { C } from "./controls";

/** A read replica inherits encryption, backups and credentials from its source. */
function isReplica(db: { replicateSourceDb?: string }): boolean {
  return isSet(db, "replicateSourceDb");
}

/** Dev settings a stack's policy config may lower; prod uses these defaults. */
export interface RetentionConfig {
  readonly minRetentionDays?: number;
}

/** Lets a stack's policy config lower a retention minimum (dev keeps backups, just fewer). */
export const RETENTION_SCHEMA = { properties: { minRetentionDays: { type: "integer", minimum: 1 } } } as const;

export const dataRules: readonly ResourceRule[] = [
  resourceRule({
    name: "rds-storage-encrypted",
    control: C.RDS_3,
    severity: "high",
    description: "RDS instances set storageEncrypted: true (read replicas inherit their source's encryption).",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (db.storageEncrypted !== true && !isReplica(db)) report("storageEncrypted must be true; storage encryption cannot be turned on after creation.");
    }),
  }),
  resourceRule({
    name: "rds-not-publicly-accessible",
    control: C.RDS_2,
    severity: "critical",
    description: "RDS instances never set publiclyAccessible: true; they live in the database subnets and are reached through the application tier.",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (db.publiclyAccessible === true) report("publiclyAccessible must not be true: a trading database gets no public DNS address.");
    }),
  }),
  resourceRule({
    name: "rds-force-ssl",
    control: C.RDS_FORCE_SSL,
    severity: "high",
    description:
      "PostgreSQL parameter groups set rds.force_ssl = 1, and PostgreSQL instances name a parameter group (a default group leaves force_ssl at the engine default, 0 before PostgreSQL 15).",
    validateResource: [
      validateResourceOfType(aws.rds.ParameterGroup, (pg, _args, report) => {
        if (!pg.family.startsWith("postgres")) return;
        const forceSsl = (pg.parameters ?? []).find((p) => p.name === "rds.force_ssl");
        if (forceSsl?.value !== "1") report(`parameter group of family ${pg.family} must set rds.force_ssl = 1 (found ${forceSsl ? forceSsl.value : "nothing"}).`);
      }),
      validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
        if (db.engine !== "postgres" || isReplica(db)) return;
        if (!isSet(db, "parameterGroupName")) report("a PostgreSQL instance must name a parameter group that sets rds.force_ssl = 1.");
      }),
    ],
  }),
  resourceRule({
    name: "rds-multi-az",
    control: C.RDS_5,
    severity: "medium",
    description: "Primary RDS instances set multiAz: true, so a standby in a second AZ takes over within minutes.",
    devAdvisory: "a standby doubles the instance cost and dev data is disposable; the finding stays visible in every dev preview.",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (!isReplica(db) && db.multiAz !== true) report("multiAz must be true for a primary instance.");
    }),
  }),
  resourceRule({
    name: "rds-deletion-protection",
    control: C.RDS_8,
    severity: "medium",
    description: "Primary RDS instances set deletionProtection: true.",
    devAdvisory: "dev databases are torn down and rebuilt from the program.",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (!isReplica(db) && db.deletionProtection !== true) report("deletionProtection must be true for a primary instance.");
    }),
  }),
  resourceRule({
    name: "rds-automated-backups",
    control: C.RDS_11,
    severity: "medium",
    configSchema: RETENTION_SCHEMA,
    description:
      "Primary RDS instances keep automated backups for at least minRetentionDays (default 7, the control's default; dev's policy config lowers it to 1, never to 0). PostgreSQL read replicas cannot keep backups, so replicas are exempt.",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
      if (isReplica(db)) return;
      const min = args.getConfig<RetentionConfig>().minRetentionDays ?? 7;
      const days = db.backupRetentionPeriod ?? 0;
      if (days < Math.max(min, 1)) report(`backupRetentionPeriod is ${days}; keep at least ${Math.max(min, 1)} days of automated backups.`);
    }),
  }),
  resourceRule({
    name: "rds-auto-minor-version-upgrade",
    control: C.RDS_13,
    severity: "low",
    description: "RDS instances do not turn off autoMinorVersionUpgrade, so security patches land in the maintenance window.",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (db.autoMinorVersionUpgrade === false) report("autoMinorVersionUpgrade must not be false.");
    }),
  }),
  resourceRule({
    name: "rds-proxy-require-tls",
    control: C.RDS_PROXY_TLS,
    severity: "high",
    description: "RDS Proxies set requireTls: true, so clients cannot reach the pooler in plaintext.",
    validateResource: validateResourceOfType(aws.rds.Proxy, (proxy, _args, report) => {
      if (proxy.requireTls !== true) report("requireTls must be true.");
    }),
  }),
  resourceRule({
    name: "elasticache-at-rest-encryption",
    control: C.ELASTICACHE_4,
    severity: "high",
    description: "Redis replication groups set atRestEncryptionEnabled: true.",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, _args, report) => {
      if (rg.atRestEncryptionEnabled !== true) report("atRestEncryptionEnabled must be true; it cannot be changed after creation.");
    }),
  }),
  resourceRule({
    name: "elasticache-transit-encryption",
    control: C.ELASTICACHE_5,
    severity: "high",
    description: "Redis replication groups set transitEncryptionEnabled: true and, when a mode is given, transitEncryptionMode: required.",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, _args, report) => {
      if (rg.transitEncryptionEnabled !== true) report("transitEncryptionEnabled must be true.");
      else if (rg.transitEncryptionMode !== undefined && rg.transitEncryptionMode !== "required") report(`transitEncryptionMode is ${rg.transitEncryptionMode}; "preferred" still accepts plaintext clients.`);
    }),
  }),
  resourceRule({
    name: "elasticache-private-subnet-group",
    control: C.ELASTICACHE_7,
    severity: "high",
    description: "Redis replication groups name a subnet group (the program's database subnets); without one ElastiCache uses the default subnet group of the default VPC.",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, _args, report) => {
      if (!isSet(rg, "subnetGroupName")) report("subnetGroupName must name the database-subnet group.");
    }),
  }),
  resourceRule({
    name: "elasticache-automatic-failover",
    control: C.ELASTICACHE_3,
    severity: "medium",
    description: "Redis replication groups set automaticFailoverEnabled: true and multiAzEnabled: true.",
    devAdvisory: "dev runs a single cache node, and failover needs at least one replica.",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, _args, report) => {
      if (rg.automaticFailoverEnabled !== true) report("automaticFailoverEnabled must be true.");
      if (rg.multiAzEnabled !== true) report("multiAzEnabled must be true, so the replica that takes over is in another AZ.");
    }),
  }),
  resourceRule({
    name: "elasticache-automatic-backups",
    control: C.ELASTICACHE_1,
    severity: "medium",
    configSchema: RETENTION_SCHEMA,
    description: "Redis replication groups keep snapshots for at least minRetentionDays (default 7; dev's policy config lowers it to 1).",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
      const min = Math.max(args.getConfig<RetentionConfig>().minRetentionDays ?? 7, 1);
      const days = rg.snapshotRetentionLimit ?? 0;
      if (days < min) report(`snapshotRetentionLimit is ${days}; keep at least ${min} days of snapshots.`);
    }),
  }),
];
