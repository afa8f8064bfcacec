import * as aws from "@pulumi/aws";
import { ResourceValidationArgs } from "@pulumi/policy";
import { ResourceRule, checkOf, isSet, resourceRule, typeRule } from "./common";
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

/** The retention minimum a rule holds a stack to: its policy config's, else prod's default; never below `floor` days. */
export function minRetention(args: ResourceValidationArgs, prodDefault: number, floor = 0): number {
  return Math.max(args.getConfig<RetentionConfig>().minRetentionDays ?? prodDefault, floor);
}

/** A retention check: `days` kept (unset counts as 0) against the minimum. */
export function retentionProblem(prop: string, days: number | undefined, min: number, what: string): string | false {
  return (days ?? 0) < min && `${prop} is ${days ?? 0}; keep at least ${min} ${what}.`;
}

export const dataRules: readonly ResourceRule[] = [
  typeRule({
    name: "rds-storage-encrypted",
    control: C.RDS_3,
    severity: "high",
    description: "RDS instances set storageEncrypted: true (read replicas inherit their source's encryption).",
    type: aws.rds.Instance,
    check: (db) => [db.storageEncrypted !== true && !isReplica(db) && "storageEncrypted must be true; storage encryption cannot be turned on after creation."],
  }),
  typeRule({
    name: "rds-not-publicly-accessible",
    control: C.RDS_2,
    severity: "critical",
    description: "RDS instances never set publiclyAccessible: true; they live in the database subnets and are reached through the application tier.",
    type: aws.rds.Instance,
    check: (db) => [db.publiclyAccessible === true && "publiclyAccessible must not be true: a trading database gets no public DNS address."],
  }),
  resourceRule({
    name: "rds-force-ssl",
    control: C.RDS_FORCE_SSL,
    severity: "high",
    description:
      "PostgreSQL parameter groups set rds.force_ssl = 1, and PostgreSQL instances name a parameter group (a default group leaves force_ssl at the engine default, 0 before PostgreSQL 15).",
    validateResource: [
      checkOf(aws.rds.ParameterGroup, (pg) => {
        if (!pg.family.startsWith("postgres")) return [];
        const forceSsl = (pg.parameters ?? []).find((p) => p.name === "rds.force_ssl");
        return [forceSsl?.value !== "1" && `parameter group of family ${pg.family} must set rds.force_ssl = 1 (found ${forceSsl ? forceSsl.value : "nothing"}).`];
      }),
      checkOf(aws.rds.Instance, (db) => [db.engine === "postgres" && !isReplica(db) && !isSet(db, "parameterGroupName") && "a PostgreSQL instance must name a parameter group that sets rds.force_ssl = 1."]),
    ],
  }),
  typeRule({
    name: "rds-multi-az",
    control: C.RDS_5,
    severity: "medium",
    description: "Primary RDS instances set multiAz: true, so a standby in a second AZ takes over within minutes.",
    devAdvisory: "a standby doubles the instance cost and dev data is disposable; the finding stays visible in every dev preview.",
    type: aws.rds.Instance,
    check: (db) => [!isReplica(db) && db.multiAz !== true && "multiAz must be true for a primary instance."],
  }),
  typeRule({
    name: "rds-deletion-protection",
    control: C.RDS_8,
    severity: "medium",
    description: "Primary RDS instances set deletionProtection: true.",
    devAdvisory: "dev databases are torn down and rebuilt from the program.",
    type: aws.rds.Instance,
    check: (db) => [!isReplica(db) && db.deletionProtection !== true && "deletionProtection must be true for a primary instance."],
  }),
  typeRule({
    name: "rds-automated-backups",
    control: C.RDS_11,
    severity: "medium",
    configSchema: RETENTION_SCHEMA,
    description:
      "Primary RDS instances keep automated backups for at least minRetentionDays (default 7, the control's default; dev's policy config lowers it to 1, never to 0). PostgreSQL read replicas cannot keep backups, so replicas are exempt.",
    type: aws.rds.Instance,
    check: (db, args) => [!isReplica(db) && retentionProblem("backupRetentionPeriod", db.backupRetentionPeriod, minRetention(args, 7, 1), "days of automated backups")],
  }),
  typeRule({
    name: "rds-auto-minor-version-upgrade",
    control: C.RDS_13,
    severity: "low",
    description: "RDS instances do not turn off autoMinorVersionUpgrade, so security patches land in the maintenance window.",
    type: aws.rds.Instance,
    check: (db) => [db.autoMinorVersionUpgrade === false && "autoMinorVersionUpgrade must not be false."],
  }),
  typeRule({
    name: "rds-proxy-require-tls",
    control: C.RDS_PROXY_TLS,
    severity: "high",
    description: "RDS Proxies set requireTls: true, so clients cannot reach the pooler in plaintext.",
    type: aws.rds.Proxy,
    check: (proxy) => [proxy.requireTls !== true && "requireTls must be true."],
  }),
  typeRule({
    name: "elasticache-at-rest-encryption",
    control: C.ELASTICACHE_4,
    severity: "high",
    description: "Redis replication groups set atRestEncryptionEnabled: true.",
    type: aws.elasticache.ReplicationGroup,
    check: (rg) => [rg.atRestEncryptionEnabled !== true && "atRestEncryptionEnabled must be true; it cannot be changed after creation."],
  }),
  typeRule({
    name: "elasticache-transit-encryption",
    control: C.ELASTICACHE_5,
    severity: "high",
    description: "Redis replication groups set transitEncryptionEnabled: true and, when a mode is given, transitEncryptionMode: required.",
    type: aws.elasticache.ReplicationGroup,
    check: (rg) => [
      rg.transitEncryptionEnabled !== true
        ? "transitEncryptionEnabled must be true."
        : rg.transitEncryptionMode !== undefined && rg.transitEncryptionMode !== "required" && `transitEncryptionMode is ${rg.transitEncryptionMode}; "preferred" still accepts plaintext clients.`,
    ],
  }),
  typeRule({
    name: "elasticache-private-subnet-group",
    control: C.ELASTICACHE_7,
    severity: "high",
    description: "Redis replication groups name a subnet group (the program's database subnets); without one ElastiCache uses the default subnet group of the default VPC.",
    type: aws.elasticache.ReplicationGroup,
    check: (rg) => [!isSet(rg, "subnetGroupName") && "subnetGroupName must name the database-subnet group."],
  }),
  typeRule({
    name: "elasticache-automatic-failover",
    control: C.ELASTICACHE_3,
    severity: "medium",
    description: "Redis replication groups set automaticFailoverEnabled: true and multiAzEnabled: true.",
    devAdvisory: "dev runs a single cache node, and failover needs at least one replica.",
    type: aws.elasticache.ReplicationGroup,
    check: (rg) => [
      rg.automaticFailoverEnabled !== true && "automaticFailoverEnabled must be true.",
      rg.multiAzEnabled !== true && "multiAzEnabled must be true, so the replica that takes over is in another AZ.",
    ],
  }),
  typeRule({
    name: "elasticache-automatic-backups",
    control: C.ELASTICACHE_1,
    severity: "medium",
    configSchema: RETENTION_SCHEMA,
    description: "Redis replication groups keep snapshots for at least minRetentionDays (default 7; dev's policy config lowers it to 1).",
    type: aws.elasticache.ReplicationGroup,
    check: (rg, args) => [retentionProblem("snapshotRetentionLimit", rg.snapshotRetentionLimit, minRetention(args, 7, 1), "days of snapshots")],
  }),
];
