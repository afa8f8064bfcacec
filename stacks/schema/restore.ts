import { z } from "zod";
import type { PostgresRestore } from "../../components/data/postgres";
import type { TimeseriesRestore } from "../../components/timeseries/clusterSpec";
import { ConfigProblem, issue } from "./problems";

/**
 * What the ha-mode recovery stack restores from (docs/disaster-recovery.md): the replicated RDS
 * automated backups and their key in the DR region. Pure schemas and checks.
 */

/** `arn:<partition>:rds:<region>:<account>:auto-backup:ab-<id>`: what `describe-db-instance-automated-backups` prints as DBInstanceAutomatedBackupsArn. */
export const AUTOMATED_BACKUPS_ARN_RE = /^arn:aws[a-z-]*:rds:([a-z]{2}-[a-z]+-\d):(\d{12}):auto-backup:ab-[a-z0-9]+$/;
/** A KMS key ARN (a key, not an alias: RDS reports the key ARN, and any other spelling is a diff that replaces the database). */
export const KMS_KEY_ARN_RE = /^arn:aws[a-z-]*:kms:([a-z]{2}-[a-z]+-\d):(\d{12}):key\/[A-Za-z0-9-]+$/;
/** RFC 3339 UTC, as RestoreDBInstanceToPointInTime takes it. */
const UTC_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Placeholders of docs/recovery/Pulumi.prod-dr.yaml: previews run with them, `pulumi up` refuses them. */
export const PLACEHOLDER_AUTOMATED_BACKUPS_ID = "ab-placeholder";
export const PLACEHOLDER_KEY_ID = "00000000-0000-0000-0000-000000000000";

export const postgresRestoreSchema = z.strictObject({
  /** The replicated automated backups in this stack's region. */
  sourceAutomatedBackupsArn: z.string().regex(AUTOMATED_BACKUPS_ARN_RE, {
    message: issue("is not an RDS automated-backups ARN", "copy DBInstanceAutomatedBackupsArn from `aws rds describe-db-instance-automated-backups --region <DR region>`"),
  }),
  /** Key ARN of those backups (alias/<prefix>-postgres-dr resolved with `aws kms describe-key`). */
  kmsKeyArn: z.string().regex(KMS_KEY_ARN_RE, { message: issue("is not a KMS key ARN (an alias does not do: RDS reports the key ARN)", "use KeyMetadata.Arn of `aws kms describe-key --key-id alias/<prefix>-postgres-dr`") }),
  /** UTC time to restore to. Default: the latest restorable time. */
  restoreTime: z.string().regex(UTC_TIME_RE, { message: issue("is not a UTC time", 'use e.g. "2026-12-01T09:30:00Z", or leave it out for the latest restorable time') }).optional(),
}) satisfies z.ZodType<PostgresRestore>;

/** The restore happens in the stack's region, from backups and a key of one account; placeholders only in previews. */
export function validatePostgresRestore(restore: PostgresRestore, ctx: { readonly region: string; readonly deploying: boolean }, key: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const backups = AUTOMATED_BACKUPS_ARN_RE.exec(restore.sourceAutomatedBackupsArn);
  const keyArn = KMS_KEY_ARN_RE.exec(restore.kmsKeyArn);
  if (backups && backups[1] !== ctx.region) {
    problems.push({ key: `${key}.sourceAutomatedBackupsArn`, value: restore.sourceAutomatedBackupsArn, problem: `is in ${backups[1]}, not in this stack's region ${ctx.region}`, fix: "restore from the backups replicated into this region (RDS restores only from backups of its own region)" });
  }
  if (keyArn && keyArn[1] !== ctx.region) {
    problems.push({ key: `${key}.kmsKeyArn`, value: restore.kmsKeyArn, problem: `is in ${keyArn[1]}, not in this stack's region ${ctx.region}`, fix: "use the key the replicated backups are encrypted with, in this region" });
  }
  if (backups && keyArn && backups[2] !== keyArn[2]) {
    problems.push({ key: `${key}.kmsKeyArn`, value: restore.kmsKeyArn, problem: `is in account ${keyArn[2]}, the backups in ${backups[2]}`, fix: "use the key of the backups' account" });
  }
  if (ctx.deploying && restore.sourceAutomatedBackupsArn.endsWith(`:${PLACEHOLDER_AUTOMATED_BACKUPS_ID}`)) {
    problems.push({ key: `${key}.sourceAutomatedBackupsArn`, value: restore.sourceAutomatedBackupsArn, problem: "is the placeholder of the recovery config", fix: "set the replicated backups' ARN (docs/disaster-recovery.md, step 2)" });
  }
  if (ctx.deploying && restore.kmsKeyArn.endsWith(`/${PLACEHOLDER_KEY_ID}`)) {
    problems.push({ key: `${key}.kmsKeyArn`, value: restore.kmsKeyArn, problem: "is the placeholder of the recovery config", fix: "set the key ARN of the replicated backups (docs/disaster-recovery.md, step 2)" });
  }
  return problems;
}

/** S3 bucket names (3..63 lowercase letters, digits, dots and hyphens). */
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SERVER_NAME_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const timeseriesRestoreSchema = z.strictObject({
  /** Bucket of the archive to recover from: the DR copy `<source prefix>-timeseries-backups-dr-<account>-<region>`. */
  bucket: z.string().regex(BUCKET_RE, { message: issue("is not an S3 bucket name", "use the DR copy of the time-series archive, e.g. entasis-prod-timeseries-backups-dr-<account>-ap-northeast-1") }),
  /** Key ARN of that bucket's objects (alias/<source prefix>-timeseries-backups-dr). */
  kmsKeyArn: z.string().regex(KMS_KEY_ARN_RE, { message: issue("is not a KMS key ARN", "use KeyMetadata.Arn of `aws kms describe-key --key-id alias/<prefix>-timeseries-backups-dr`") }),
  /** Barman server name of the archived cluster. Default: the cluster name (timeseries). */
  serverName: z.string().regex(SERVER_NAME_RE, { message: issue("is not a Barman server name", "use the archived cluster's name, e.g. timeseries") }).optional(),
  /** UTC time to recover to. Default: the end of the archived WAL. */
  targetTime: z.string().regex(UTC_TIME_RE, { message: issue("is not a UTC time", 'use e.g. "2026-12-01T09:30:00Z", or leave it out for the latest point') }).optional(),
}) satisfies z.ZodType<TimeseriesRestore>;

/** The archive's key is in the stack's region (the bucket is read there); placeholders only in previews. */
export function validateTimeseriesRestore(restore: TimeseriesRestore, ctx: { readonly region: string; readonly deploying: boolean }, key: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const keyArn = KMS_KEY_ARN_RE.exec(restore.kmsKeyArn);
  if (keyArn && keyArn[1] !== ctx.region) {
    problems.push({ key: `${key}.kmsKeyArn`, value: restore.kmsKeyArn, problem: `is in ${keyArn[1]}, not in this stack's region ${ctx.region}`, fix: "restore from the DR copy in this region, with its key" });
  }
  if (!restore.bucket.endsWith(`-${ctx.region}`)) {
    problems.push({ key: `${key}.bucket`, value: restore.bucket, problem: `does not name a bucket of ${ctx.region} (bucket names end in their region here, lib/dataNames.ts)`, fix: "use the DR copy in this region, never the lost region's bucket" });
  }
  if (ctx.deploying && restore.kmsKeyArn.endsWith(`/${PLACEHOLDER_KEY_ID}`)) {
    problems.push({ key: `${key}.kmsKeyArn`, value: restore.kmsKeyArn, problem: "is the placeholder of the recovery config", fix: "set the key ARN of the DR copy (docs/disaster-recovery.md, step 3)" });
  }
  return problems;
}
