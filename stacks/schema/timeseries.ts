import { z } from "zod";
import { zoneHasFixedOffset } from "../../lib/cnpgSchedule";
import type { BackupConfig } from "./backup";
import type { ClusterConfig } from "./cluster";
import { ConfigProblem, issue } from "./problems";
import { timeseriesRestoreSchema, validateTimeseriesRestore } from "./restore";

const PG_NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** CNPG ObjectStore `retentionPolicy`: a recovery window in days, weeks or months (its CRD's pattern). */
export const CNPG_RETENTION_RE = /^[1-9][0-9]*[dwm]$/;
/** Roles CloudNativePG or PostgreSQL own; an application must never be one of them. */
const RESERVED_ROLES = ["postgres", "streaming_replica", "cnpg_pooler_pgbouncer", "public"];
const RESERVED_DATABASES = ["postgres", "template0", "template1"];

const pgName = (example: string) => z.string().regex(PG_NAME_RE, { message: issue("is not a lowercase PostgreSQL identifier (a-z, 0-9, _; up to 63 chars)", `use e.g. ${example}`) });
const dnsLabel = (example: string) => z.string().regex(DNS_LABEL_RE, { message: issue("is not a Kubernetes namespace name (DNS label)", `use e.g. ${example}`) });

export const timeseriesSchema = z.strictObject({
  /** Namespace of the Cluster, its Pooler and backups. Default "timeseries". */
  namespace: dnsLabel("timeseries"),
  /** Node pool the PostgreSQL instances run on (its taints are tolerated exactly). Default "data-processing". */
  pool: z.string().min(1),
  /** PostgreSQL instances: 1 primary + standbys. Default 1 (dev) / 3 (prod: one per zone). */
  instances: z.number().int().min(1).max(9),
  /** Standbys that must confirm each commit (`synchronous.number`, method any). Default 0 (dev) / 1 (prod). */
  synchronousReplicas: z.number().int().min(0).max(8),
  /** PostgreSQL major of `image` (CNPG cannot read it from timescaledb-ha tags). Default 17. */
  postgresMajor: z.number().int().min(15).max(18),
  /** Operand image with TimescaleDB, tag pinned. Default timescale/timescaledb-ha:pg17.4-ts2.18.2. */
  image: z.string().regex(/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/, { message: issue("is not an image reference with a tag", "use e.g. timescale/timescaledb-ha:pg17.4-ts2.18.2") }),
  /** PGDATA volume per instance, GiB (gp3, KMS). Default 20 (dev) / 200 (prod). */
  storageGiB: z.number().int().min(1).max(16384),
  /** Separate WAL volume per instance, GiB. Default 5 (dev) / 50 (prod). */
  walStorageGiB: z.number().int().min(1).max(16384),
  /** Requests of each instance; memory is also the limit (Guaranteed QoS). Default 500/2048 (dev), 2000/16384 (prod). */
  resources: z.strictObject({ cpuMillis: z.number().int().min(100).max(64000), memoryMiB: z.number().int().min(512).max(524288) }),
  /** PgBouncer `Pooler` (rw). */
  pooler: z.strictObject({
    /** Default 1 (dev) / 2 (prod, spread over zones). */
    instances: z.number().int().min(1).max(10),
    /** Default transaction. */
    poolMode: z.enum(["transaction", "session"]),
    /** Server connections per user/database pair. Default 20. */
    defaultPoolSize: z.number().int().min(1).max(1000),
    /** Client connections each PgBouncer accepts. Default 1000. */
    maxClientConnections: z.number().int().min(1).max(100000),
  }),
  backup: z.strictObject({
    /** Recovery window of WAL and base backups (CNPG `retentionPolicy`). Default: the spec's daily tier, `<entasis:backup.retention.daily>d` ("7d"). */
    retention: z.string().regex(CNPG_RETENTION_RE, { message: issue("is not a CNPG retention policy (<n>d, <n>w or <n>m)", 'use e.g. "7d"') }).optional(),
  }),
  alerts: z.strictObject({
    /** Standby replay lag that warns, seconds. Default 30. */
    replicationLagSeconds: z.number().int().min(1).max(86400),
    /** Volume usage that warns, percent. Default 80. */
    storageUsagePercent: z.number().int().min(1).max(99),
    /** How long a condition holds before it fires. Default 5m. */
    for: z.string().regex(/^[1-9][0-9]*[mh]$/, { message: issue("is not an alert duration", 'use e.g. "5m"') }),
  }),
  /** Namespaces whose pods may connect (PgBouncer and instances on 5432). Default ["trading-api"]. */
  clientNamespaces: z.array(dnsLabel("trading-api")),
  /** CloudNativePG operator replicas (leader election). Default 1 (dev) / 2 (prod). */
  operatorReplicas: z.number().int().min(1).max(3),
  /** One role and one database per application. Default none. */
  consumers: z.record(z.string().regex(DNS_LABEL_RE), z.strictObject({ username: pgName("market_data"), database: pgName("market_data") })),
  /** Bootstrap the Cluster from another cluster's WAL archive (the ha-mode recovery stack, docs/disaster-recovery.md). Default none: a new, empty database. */
  restore: timeseriesRestoreSchema.optional(),
});
export type TimeseriesConfig = z.infer<typeof timeseriesSchema>;

/** Days of a CNPG retention policy (a month as 30 days, the shortest reading for the comparison below is 28). */
export function retentionPolicyDays(policy: string): number {
  const n = Number(policy.slice(0, -1));
  const unit = policy.slice(-1);
  return unit === "d" ? n : unit === "w" ? n * 7 : n * 28;
}

/** The CNPG recovery window: the configured one, or the spec's daily tier in days. */
export function effectiveRetention(ts: TimeseriesConfig, backup: BackupConfig): string {
  return ts.backup.retention ?? `${backup.retention.daily}d`;
}

/** Checks of `entasis:timeseries` on its own. */
export function validateTimeseries(ts: TimeseriesConfig, environment: string, areaKey = "entasis:timeseries", ctx?: { readonly region: string; readonly deploying: boolean }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (ts.restore !== undefined && ctx !== undefined) problems.push(...validateTimeseriesRestore(ts.restore, ctx, `${areaKey}.restore`));
  if (environment === "prod" && ts.instances < 3) {
    problems.push({ key: `${areaKey}.instances`, value: ts.instances, problem: "is below 3 in prod, so losing one zone loses the primary or its only standby", fix: "use 3 (one instance per zone)" });
  }
  if (environment === "prod" && ts.synchronousReplicas < 1) {
    problems.push({ key: `${areaKey}.synchronousReplicas`, value: ts.synchronousReplicas, problem: "is 0 in prod, so a failover can lose committed candles", fix: "use 1" });
  }
  if (ts.synchronousReplicas >= ts.instances) {
    problems.push({
      key: `${areaKey}.synchronousReplicas`,
      value: ts.synchronousReplicas,
      problem: `needs more standbys than the ${ts.instances - 1} that ${ts.instances} instance(s) have, so every commit would block`,
      fix: `use at most ${Math.max(0, ts.instances - 1)}, or raise instances`,
    });
  }
  if (environment === "prod" && ts.pooler.instances < 2) {
    problems.push({ key: `${areaKey}.pooler.instances`, value: ts.pooler.instances, problem: "is below 2 in prod, so one node loss cuts every client off", fix: "use 2 or more" });
  }
  if (!ts.image.split(":").pop()?.startsWith(`pg${ts.postgresMajor}`)) {
    problems.push({ key: `${areaKey}.image`, value: ts.image, problem: `does not carry PostgreSQL ${ts.postgresMajor} (timescaledb-ha tags start with pg<major>)`, fix: `use a pg${ts.postgresMajor}* tag or change postgresMajor` });
  }
  const users = Object.entries(ts.consumers).map(([, c]) => c.username);
  const dbs = Object.entries(ts.consumers).map(([, c]) => c.database);
  for (const [name, c] of Object.entries(ts.consumers)) {
    const key = `${areaKey}.consumers.${name}`;
    if (RESERVED_ROLES.includes(c.username) || c.username.startsWith("pg_")) problems.push({ key: `${key}.username`, value: c.username, problem: "is a role PostgreSQL or CloudNativePG owns", fix: "give the application its own role" });
    if (RESERVED_DATABASES.includes(c.database)) problems.push({ key: `${key}.database`, value: c.database, problem: "is a system database", fix: "give the application its own database" });
    if (users.filter((u) => u === c.username).length > 1) problems.push({ key: `${key}.username`, value: c.username, problem: "is used by more than one consumer", fix: "one role per application" });
    if (dbs.filter((d) => d === c.database).length > 1) problems.push({ key: `${key}.database`, value: c.database, problem: "is used by more than one consumer", fix: "one database per application" });
  }
  return problems;
}

/**
 * Checks against the other areas: the pool must exist, hold a database, fit the instances, and the
 * backup window and schedule must match the spec's backup policy.
 */
export function validateTimeseriesAgainst(ts: TimeseriesConfig, cluster: ClusterConfig, backup: BackupConfig, areaKey = "entasis:timeseries"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pool = cluster.nodePools[ts.pool];
  if (!pool) {
    problems.push({ key: `${areaKey}.pool`, value: ts.pool, problem: "is not a node pool of entasis:cluster.nodePools", fix: `use one of ${Object.keys(cluster.nodePools).join(", ")}` });
  } else {
    if (pool.amiType.includes("NVIDIA") || pool.taints.some((t) => t.key === "nvidia.com/gpu")) {
      problems.push({ key: `${areaKey}.pool`, value: ts.pool, problem: "is a GPU pool; a database would hold GPU nodes it cannot use", fix: "use the data-processing pool or a pool of its own" });
    }
    if (pool.taints.some((t) => t.effect === "NO_EXECUTE" && t.value === undefined)) {
      problems.push({ key: `${areaKey}.pool`, value: ts.pool, problem: "has a NoExecute taint without a value, which an Equal toleration cannot match", fix: "give the taint a value" });
    }
    if (pool.maxSize < ts.instances) {
      problems.push({ key: `${areaKey}.instances`, value: ts.instances, problem: `exceeds pool ${ts.pool}'s maxSize ${pool.maxSize}; instances need a node each`, fix: `raise entasis:cluster.nodePools.${ts.pool}.maxSize or lower instances` });
    }
  }
  if (ts.backup.retention !== undefined && retentionPolicyDays(ts.backup.retention) < backup.retention.daily) {
    problems.push({ key: `${areaKey}.backup.retention`, value: ts.backup.retention, problem: `keeps less than the spec's daily tier (entasis:backup.retention.daily = ${backup.retention.daily} days)`, fix: `use at least "${backup.retention.daily}d"` });
  }
  if (!zoneHasFixedOffset(backup.timezone)) {
    problems.push({ key: "entasis:backup.timezone", value: backup.timezone, problem: "has daylight saving time, and CloudNativePG's ScheduledBackup runs on a fixed UTC cron", fix: "use a zone with one UTC offset all year (e.g. Asia/Seoul) or Etc/UTC" });
  }
  return problems;
}
