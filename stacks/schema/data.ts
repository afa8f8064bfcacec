import { z } from "zod";
import {
  CACHE_ENGINE_VERSIONS,
  CACHE_GROUP_ID_MAX,
  CACHE_NODE_TYPE_RE,
  CACHE_SNAPSHOT_RETENTION,
  LOG_RETENTION_DAYS,
  POSTGRES_LOG_EXPORTS,
  POSTGRES_MAJORS,
  RDS_BACKUP_RETENTION,
  RDS_GP3_STORAGE_GIB,
  RDS_IDENTIFIER_MAX,
  RDS_IDENTIFIER_RE,
  RDS_INSTANCE_CLASS_RE,
  RDS_MONITORING_INTERVALS,
  S3_BUCKET_NAME_MAX,
  isPerformanceInsightsRetention,
} from "../../lib/awsLimits";
import { ACCOUNT_ID_WIDTH, bucketName, postgresIdentifier, proxyName, redisGroupId, replicaIdentifier } from "../../lib/dataNames";
import { DAILY_WINDOW_RE, WEEKLY_WINDOW_RE, parseDailyWindow, parseWeeklyWindow, windowsOverlap } from "../../lib/windows";
import type { AreaContext } from "./context";
import { ConfigProblem, issue } from "./problems";
import { postgresRestoreSchema, validatePostgresRestore } from "./restore";

const retention = (range: { min: number; max: number }, what: string) =>
  z
    .number()
    .int()
    .refine((v) => v >= range.min && v <= range.max, { message: issue(`is outside ${what}'s ${range.min}..${range.max} days`, `use a value from ${range.min} to ${range.max}`) });

const logRetention = z
  .number()
  .int()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: issue(`is not a CloudWatch Logs retention (allowed: ${LOG_RETENTION_DAYS.join(", ")})`, "pick the nearest allowed value, e.g. 30"),
  });

const dailyWindow = z.string().regex(DAILY_WINDOW_RE, { message: issue("is not a daily window hh24:mi-hh24:mi (UTC)", 'use e.g. "17:00-18:00"') });
const weeklyWindow = z.string().regex(WEEKLY_WINDOW_RE, { message: issue("is not a weekly window ddd:hh24:mi-ddd:hh24:mi (UTC)", 'use e.g. "sun:18:30-sun:19:30"') });

/** Config keys that become parts of AWS names (replica identifiers, Secrets Manager paths). */
const KEY_RE = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** PostgreSQL role/database names we create or expect: unquoted lowercase identifiers. */
const PG_NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Role names RDS reserves or that a consumer must never get. */
const RESERVED_PG_USERS = ["postgres", "rdsadmin", "rdsrepladmin", "rds_superuser", "public"];

const pgName = (example: string) => z.string().regex(PG_NAME_RE, { message: issue("is not a lowercase PostgreSQL identifier (a-z, 0-9, _; up to 63 chars)", `use e.g. ${example}`) });

export const postgresSchema = z.strictObject({
  /** Engine version: a major ("17", minors follow AWS) or major.minor ("17.7", pinned). */
  engineVersion: z.string().regex(/^\d{2}(\.\d{1,2})?$/, { message: issue("is not a PostgreSQL version", 'use a major such as "17" or a major.minor such as "17.7" (quoted)') }),
  /** Let RDS apply minor versions in the maintenance window. Default false: minors are pinned and moved through dev first. */
  autoMinorVersionUpgrade: z.boolean().default(false),
  instanceClass: z.string().regex(RDS_INSTANCE_CLASS_RE, { message: issue("is not an RDS instance class", "use e.g. db.t4g.medium or db.r7g.xlarge") }),
  /** gp3 storage at creation, GiB (20..65536). */
  allocatedStorageGiB: z.number().int().min(RDS_GP3_STORAGE_GIB.min).max(RDS_GP3_STORAGE_GIB.max),
  /** Storage autoscaling ceiling, GiB; must exceed allocatedStorageGiB. */
  maxAllocatedStorageGiB: z.number().int().max(RDS_GP3_STORAGE_GIB.max),
  /** Synchronous standby in another AZ. Default false (dev) / true (prod). */
  multiAz: z.boolean(),
  /** Database created with the instance. Default entasis. */
  databaseName: pgName("entasis").default("entasis"),
  /** Master user; its password is generated and kept in Secrets Manager. Default entasis_admin. */
  masterUsername: pgName("entasis_admin").default("entasis_admin"),
  /** Automated backups, days (0..35; at least 1 with replicas). Default 7 (dev) / 30 (prod). */
  backupRetentionDays: retention(RDS_BACKUP_RETENTION, "RDS automated backup retention"),
  /** Daily backup window, UTC. Default 17:00-18:00 (02:00 KST, the quietest hour of Korean exchanges). */
  backupWindow: dailyWindow,
  /** Weekly maintenance window, UTC; must not overlap the backup window. Default sun:18:30-sun:19:30. */
  maintenanceWindow: weeklyWindow,
  performanceInsights: z.strictObject({
    /** Default true. */
    enabled: z.boolean(),
    /** 7, a multiple of 31 up to 713, or 731 days. Default 7 (dev) / 31 (prod). */
    retentionDays: z.number().int().refine(isPerformanceInsightsRetention, { message: issue("is not a Performance Insights retention", "use 7, a multiple of 31 (31..713) or 731") }),
  }),
  /** Enhanced Monitoring interval, seconds. Default 60 (dev) / 15 (prod). */
  monitoringIntervalSeconds: z
    .number()
    .int()
    .refine((v) => (RDS_MONITORING_INTERVALS as readonly number[]).includes(v), { message: issue(`is not an Enhanced Monitoring interval (allowed: ${RDS_MONITORING_INTERVALS.join(", ")})`, "use 60, or 0 to turn it off") }),
  /** Logs exported to CloudWatch Logs. Default postgresql, upgrade. */
  logExports: z.array(z.enum(POSTGRES_LOG_EXPORTS)),
  /** Statements slower than this are logged (log_min_duration_statement, ms; -1 off). Default 1000. */
  slowQueryMs: z.number().int().min(-1).default(1000),
  /** `max_connections` (static: applied at the next reboot). Default 500 (the spec, 001 "PostgreSQL"). */
  maxConnections: z.number().int().min(25).max(5000),
  /** Create the primary by a point-in-time restore (the ha-mode recovery stack, docs/disaster-recovery.md). Default none. */
  restore: postgresRestoreSchema.optional(),
  /** Read replicas keyed by a stable name; reports and status queries go here. Default none. */
  replicas: z
    .record(
      z.string(),
      z.strictObject({
        /** Default: the primary's class. */
        instanceClass: z.string().regex(RDS_INSTANCE_CLASS_RE, { message: issue("is not an RDS instance class", "use e.g. db.r7g.large") }).optional(),
        /** Default: RDS picks an AZ. */
        availabilityZone: z.string().optional(),
      }),
    )
    .default({}),
  /** RDS Proxy in front of the primary (the spec's PgBouncer layer). Default off (dev) / on (prod). */
  proxy: z.strictObject({
    enabled: z.boolean(),
    /** Idle client connections are closed after this, seconds (1..28800). Default 1800. */
    idleClientTimeoutSeconds: z.number().int().min(1).max(28800),
    /** Share of max_connections the proxy may open (1..100). Default 90. */
    maxConnectionsPercent: z.number().int().min(1).max(100),
  }),
  /** Applications that connect, keyed by name; each gets a Secrets Manager secret with its connection details. */
  consumers: z
    .record(
      z.string(),
      z.strictObject({
        /** Database user (IAM authentication). */
        username: pgName("trading_api"),
        /** readWrite: may create its own tables in schema public (it owns them); readOnly: connect and use the schema only. Default readWrite. */
        access: z.enum(["readWrite", "readOnly"]).default("readWrite"),
      }),
    )
    .default({}),
});
export type PostgresConfig = z.infer<typeof postgresSchema>;

export const redisSchema = z.strictObject({
  /** Default redis. */
  engine: z.enum(["redis", "valkey"]),
  /** major.minor, e.g. "7.1" (redis) or "8.0" (valkey). */
  engineVersion: z.string(),
  nodeType: z.string().regex(CACHE_NODE_TYPE_RE, { message: issue("is not an ElastiCache node type", "use e.g. cache.t4g.small or cache.r7g.large") }),
  /** Primary plus replicas (1..6). Default 1 (dev) / 3 (prod). */
  nodes: z.number().int().min(1).max(6),
  /** Promote a replica when the primary fails; needs 2+ nodes. */
  automaticFailover: z.boolean(),
  /** Replicas in other AZs than the primary; needs automatic failover and 2+ nodes. */
  multiAz: z.boolean(),
  /** Daily snapshots kept, days (0..35). Default 1 (dev) / 14 (prod). */
  snapshotRetentionDays: retention(CACHE_SNAPSHOT_RETENTION, "ElastiCache snapshot retention"),
  /** Eviction when memory is full (parameter group `maxmemory-policy`). Default allkeys-lru (the spec's LRU cache). */
  maxmemoryPolicy: z.enum(["allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl", "noeviction"]),
  /** Cache size the applications plan for, MiB (the plan checks it against the node's memory). Default 256 (the spec). */
  cacheMemoryMiB: z.number().int().min(1),
  /** TTL applications give cache keys, seconds (guidance in docs/outputs.md and docs/load-testing.md). Default 300 (the spec's REDIS_CACHE_TTL). */
  defaultTtlSeconds: z.number().int().min(1),
  /** Daily snapshot window, UTC. Default 16:00-17:00. */
  snapshotWindow: dailyWindow,
  /** Weekly maintenance window, UTC. Default sun:19:30-sun:20:30. */
  maintenanceWindow: weeklyWindow,
});
export type RedisConfig = z.infer<typeof redisSchema>;

const STORAGE_CLASSES = ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] as const;

export const lifecycleSchema = z.strictObject({
  /** Current versions move to cheaper classes after these ages (days, ascending). Default none. */
  transitions: z.array(z.strictObject({ days: z.number().int().min(0), storageClass: z.enum(STORAGE_CLASSES) })).default([]),
  /** Current versions expire after this many days. Default never. */
  expirationDays: z.number().int().min(1).optional(),
  /** Overwritten or deleted versions are kept this long, days. */
  noncurrentVersionExpirationDays: z.number().int().min(1),
  /** Unfinished multipart uploads are removed after this many days. Default 7. */
  abortIncompleteMultipartUploadDays: z.number().int().min(1).default(7),
});
export type LifecycleConfig = z.infer<typeof lifecycleSchema>;

export const objectStorageSchema = z.strictObject({
  /** Raw market data (SSE-KMS with a customer key). */
  marketData: z.strictObject({ lifecycle: lifecycleSchema }),
  /** Load-balancer access logs (SSE-S3: the only encryption ALB log delivery supports). */
  accessLogs: z.strictObject({
    /** Key prefix the ALB writes under. Default alb. */
    prefix: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: issue("is not a simple key prefix", "use e.g. alb (no slashes)") }).default("alb"),
    lifecycle: lifecycleSchema,
  }),
});
export type ObjectStorageConfig = z.infer<typeof objectStorageSchema>;

export const dataSchema = z.strictObject({
  /** Deletion protection, final snapshots and Pulumi `protect` on stateful resources. Default false (dev) / true (prod); required in prod. */
  protect: z.boolean(),
  /** Retention of PostgreSQL exported logs and the Redis slow log. Default 30 (dev) / 365 (prod). */
  logRetentionDays: logRetention,
  /**
   * Days a deleted secret can be restored (7..30), or 0: deleted at once, so a rebuild can reuse the
   * fixed names (a secret pending deletion blocks its name). 0 only without protection. Default 0 (dev) / 30 (prod).
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
   */
  secretRecoveryDays: z
    .number()
    .int()
    .refine((v) => v === 0 || (v >= 7 && v <= 30), { message: issue("is not a Secrets Manager recovery window", "use 7..30 days, or 0 (delete at once) in an unprotected stack") }),
  postgres: postgresSchema,
  redis: redisSchema,
  objectStorage: objectStorageSchema,
});
export type DataConfig = z.infer<typeof dataSchema>;

/** Cross-field and naming checks of the data tier; pure, run before any resource exists. */
export function validateData(data: DataConfig, ctx: AreaContext, areaKey = "entasis:data"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const namePrefix = `entasis-${ctx.stack}`;
  const pg = data.postgres;
  const pgKey = `${areaKey}.postgres`;

  if (data.secretRecoveryDays === 0 && (data.protect || ctx.environment === "prod")) {
    problems.push({
      key: `${areaKey}.secretRecoveryDays`,
      value: 0,
      problem: `deletes secrets at once with no way to restore them, which only an unprotected dev stack may do (${ctx.environment === "prod" ? "this is prod" : "protect is true"})`,
      fix: "use 7..30 days (prod default 30)",
    });
  }
  if (ctx.environment === "prod" && !data.protect) {
    problems.push({ key: `${areaKey}.protect`, value: false, problem: "turns off deletion protection and final snapshots in prod", fix: "keep protect: true in prod; remove protection in a reviewed change right before a planned teardown" });
  }

  // Engine version and parameter family must agree; the family is derived from the major.
  const major = pg.engineVersion.split(".")[0];
  if (!(POSTGRES_MAJORS as readonly string[]).includes(major)) {
    problems.push({ key: `${pgKey}.engineVersion`, value: pg.engineVersion, problem: `is not a PostgreSQL major RDS supports (${POSTGRES_MAJORS.join(", ")})`, fix: 'use e.g. "17.7"' });
  }
  // A pinned minor with automatic minor upgrades drifts: AWS moves past it and the next `pulumi up` tries to go back.
  if (pg.engineVersion.includes(".") && pg.autoMinorVersionUpgrade) {
    problems.push({
      key: `${pgKey}.engineVersion`,
      value: pg.engineVersion,
      problem: "pins a minor version while autoMinorVersionUpgrade is true, so the next pulumi up would try to undo AWS's upgrade",
      fix: `give only the major ("${major}") or set autoMinorVersionUpgrade: false`,
    });
  }
  if (pg.maxAllocatedStorageGiB <= pg.allocatedStorageGiB) {
    problems.push({ key: `${pgKey}.maxAllocatedStorageGiB`, value: pg.maxAllocatedStorageGiB, problem: `must be greater than allocatedStorageGiB ${pg.allocatedStorageGiB} for storage autoscaling`, fix: `use at least ${pg.allocatedStorageGiB + 1}` });
  }
  if (RESERVED_PG_USERS.includes(pg.masterUsername) || pg.masterUsername.startsWith("rds") || pg.masterUsername.startsWith("pg_")) {
    problems.push({ key: `${pgKey}.masterUsername`, value: pg.masterUsername, problem: "is reserved by PostgreSQL or RDS", fix: "use e.g. entasis_admin" });
  }

  if (pg.restore !== undefined) problems.push(...validatePostgresRestore(pg.restore, ctx, `${pgKey}.restore`));

  const replicas = Object.keys(pg.replicas);
  if (replicas.length > 0 && pg.backupRetentionDays < 1) {
    problems.push({ key: `${pgKey}.backupRetentionDays`, value: pg.backupRetentionDays, problem: "turns automated backups off, but read replicas need backups on their source", fix: "use 1..35, or remove the replicas" });
  }
  if (replicas.length > 5) {
    problems.push({ key: `${pgKey}.replicas`, value: replicas, problem: "has more than 5 read replicas (RDS for PostgreSQL allows 15, we cap at 5 to bound cost and replication load)", fix: "remove replicas or raise the cap in stacks/schema/data.ts" });
  }
  for (const [name, replica] of Object.entries(pg.replicas)) {
    const key = `${pgKey}.replicas.${name}`;
    if (!KEY_RE.test(name)) {
      problems.push({ key, value: name, problem: "is not a valid replica name (lowercase letters, digits and '-', 2..32 chars)", fix: "rename it, e.g. reporting" });
    }
    if (replica.availabilityZone !== undefined && !replica.availabilityZone.startsWith(ctx.region)) {
      problems.push({ key: `${key}.availabilityZone`, value: replica.availabilityZone, problem: `is not in ${ctx.region}`, fix: `use e.g. ${ctx.region}c` });
    }
  }

  const identifiers: [string, string][] = [[`${pgKey}`, postgresIdentifier(namePrefix)], [`${pgKey}.proxy`, proxyName(namePrefix)], ...replicas.map((r): [string, string] => [`${pgKey}.replicas.${r}`, replicaIdentifier(namePrefix, r)])];
  for (const [key, id] of identifiers) {
    if (id.length > RDS_IDENTIFIER_MAX || !RDS_IDENTIFIER_RE.test(id)) {
      problems.push({ key, value: id, problem: `gives the RDS name "${id}", which is not 1..${RDS_IDENTIFIER_MAX} lowercase letters, digits and single hyphens`, fix: "shorten the stack or replica name" });
    }
  }

  const backup = parseDailyWindow(pg.backupWindow);
  const maintenance = parseWeeklyWindow(pg.maintenanceWindow);
  if (backup && backup.minutes < 30) {
    problems.push({ key: `${pgKey}.backupWindow`, value: pg.backupWindow, problem: "is shorter than the 30 minutes RDS requires", fix: 'use e.g. "17:00-18:00"' });
  }
  if (maintenance && maintenance.minutes < 30) {
    problems.push({ key: `${pgKey}.maintenanceWindow`, value: pg.maintenanceWindow, problem: "is shorter than the 30 minutes RDS requires", fix: 'use e.g. "sun:18:30-sun:19:30"' });
  }
  if (backup && maintenance && windowsOverlap(backup, maintenance)) {
    problems.push({ key: `${pgKey}.maintenanceWindow`, value: pg.maintenanceWindow, problem: `overlaps the daily backup window ${pg.backupWindow}, which RDS rejects`, fix: "move one of the windows" });
  }

  for (const [name, consumer] of Object.entries(pg.consumers)) {
    const key = `${pgKey}.consumers.${name}`;
    if (!KEY_RE.test(name)) {
      problems.push({ key, value: name, problem: "is not a valid consumer name (lowercase letters, digits and '-', 2..32 chars)", fix: "rename it, e.g. trading-api" });
    }
    if (consumer.username === pg.masterUsername || RESERVED_PG_USERS.includes(consumer.username) || consumer.username.startsWith("rds") || consumer.username.startsWith("pg_")) {
      problems.push({ key: `${key}.username`, value: consumer.username, problem: "is the master user or a reserved role", fix: "give every application its own least-privilege user" });
    }
  }
  const usernames = Object.values(pg.consumers).map((c) => c.username);
  usernames.forEach((u, i) => {
    if (usernames.indexOf(u) !== i) problems.push({ key: `${pgKey}.consumers`, value: u, problem: "is used by more than one consumer", fix: "give every application its own database user" });
  });

  problems.push(...validateRedis(data.redis, namePrefix, `${areaKey}.redis`));
  problems.push(...validateObjectStorage(data.objectStorage, namePrefix, ctx.region, `${areaKey}.objectStorage`));
  return problems;
}

function validateRedis(redis: RedisConfig, namePrefix: string, key: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const versions: readonly string[] = CACHE_ENGINE_VERSIONS[redis.engine];
  if (!versions.includes(redis.engineVersion)) {
    problems.push({ key: `${key}.engineVersion`, value: redis.engineVersion, problem: `is not a supported ${redis.engine} version (${versions.join(", ")})`, fix: `use e.g. "${versions[versions.length - 1]}" (quoted)` });
  }
  // ElastiCache refuses failover and Multi-AZ without a replica to fail over to.
  // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
  if (redis.multiAz && redis.nodes < 2) {
    problems.push({ key: `${key}.multiAz`, value: true, problem: `needs at least 2 nodes (a primary and a replica in another AZ), but nodes is ${redis.nodes}`, fix: "set nodes to 2 or more, or multiAz to false" });
  }
  if (redis.automaticFailover && redis.nodes < 2) {
    problems.push({ key: `${key}.automaticFailover`, value: true, problem: `needs at least 2 nodes (a replica to promote), but nodes is ${redis.nodes}`, fix: "set nodes to 2 or more, or automaticFailover to false" });
  }
  if (redis.multiAz && !redis.automaticFailover) {
    problems.push({ key: `${key}.multiAz`, value: true, problem: "requires automatic failover", fix: "set automaticFailover: true" });
  }
  const id = redisGroupId(namePrefix);
  if (id.length > CACHE_GROUP_ID_MAX || !RDS_IDENTIFIER_RE.test(id)) {
    problems.push({ key, value: id, problem: `gives the replication group ID "${id}", which is not 1..${CACHE_GROUP_ID_MAX} lowercase letters, digits and single hyphens`, fix: "shorten the stack name" });
  }
  const snapshot = parseDailyWindow(redis.snapshotWindow);
  if (snapshot && snapshot.minutes < 60) {
    problems.push({ key: `${key}.snapshotWindow`, value: redis.snapshotWindow, problem: "is shorter than the 60 minutes ElastiCache requires", fix: 'use e.g. "16:00-17:00"' });
  }
  const maintenance = parseWeeklyWindow(redis.maintenanceWindow);
  if (maintenance && maintenance.minutes < 60) {
    problems.push({ key: `${key}.maintenanceWindow`, value: redis.maintenanceWindow, problem: "is shorter than the 60 minutes ElastiCache requires", fix: 'use e.g. "sun:19:30-sun:20:30"' });
  }
  return problems;
}

/** S3 lifecycle rules AWS rejects: IA classes before 30 days, unordered transitions, expiry before the last transition.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html */
function validateLifecycle(lc: LifecycleConfig, key: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  lc.transitions.forEach((t, i) => {
    const tKey = `${key}.transitions[${i}]`;
    if ((t.storageClass === "STANDARD_IA" || t.storageClass === "ONEZONE_IA") && t.days < 30) {
      problems.push({ key: `${tKey}.days`, value: t.days, problem: `is below the 30 days S3 requires before ${t.storageClass}`, fix: "use 30 or more" });
    }
    if (i > 0 && t.days <= lc.transitions[i - 1].days) {
      problems.push({ key: `${tKey}.days`, value: t.days, problem: `is not after the previous transition (${lc.transitions[i - 1].days} days)`, fix: "list transitions in ascending days" });
    }
  });
  const last = lc.transitions[lc.transitions.length - 1];
  if (lc.expirationDays !== undefined && last !== undefined && lc.expirationDays <= last.days) {
    problems.push({ key: `${key}.expirationDays`, value: lc.expirationDays, problem: `expires objects before or when they reach ${last.storageClass} (${last.days} days)`, fix: "expire later or drop the transition" });
  }
  return problems;
}

function validateObjectStorage(os: ObjectStorageConfig, namePrefix: string, region: string, key: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...validateLifecycle(os.marketData.lifecycle, `${key}.marketData.lifecycle`),
    ...validateLifecycle(os.accessLogs.lifecycle, `${key}.accessLogs.lifecycle`),
  ];
  for (const role of ["market-data", "access-logs"]) {
    const name = bucketName(namePrefix, role, "0".repeat(ACCOUNT_ID_WIDTH), region);
    if (name.length > S3_BUCKET_NAME_MAX) {
      problems.push({ key, value: name, problem: `gives a ${name.length}-character bucket name for ${role}; S3 allows ${S3_BUCKET_NAME_MAX}`, fix: "shorten the stack name" });
    }
  }
  return problems;
}
