import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackupTier, parseDailyCron } from "../lib/backupSchedule";
import { BackupPolicy } from "../components/backup/backupPolicy";
import { Cluster } from "../components/cluster/cluster";
import { BackupConfig, tierRetentionDays } from "./schema/backup";
import { ClusterBackup, VELERO_BUCKET_ROLE } from "../components/backup/clusterBackup";
import { DisasterRecovery, ReplicatedBucketArgs } from "../components/backup/disasterRecovery";
import { Tags } from "../components/tags";
import { DataTier } from "./data";
import { DataConfig } from "./schema/data";
import { GuardedAwsScope } from "../components/scope";

export interface BackupInputs extends GuardedAwsScope {
  readonly cluster: Cluster;
  /** Pulumi `protect` on the vaults and Velero's bucket (entasis:data.protect). */
  readonly protect: boolean;
  readonly tags: Tags;
}

/** What the backup area built, and what the later areas need of its config. */
export interface Backup {
  readonly backup: BackupPolicy;
  /** Velero; absent when entasis:backup.velero.enabled is false. */
  readonly clusterBackup?: ClusterBackup;
  readonly retentionDays: Readonly<Record<BackupTier, number>>;
  /** The DR region and its provider; absent when entasis:backup.drRegion is unset (dev). */
  readonly drRegion?: string;
  readonly drProvider?: aws.Provider;
}

/**
 * Composition of the backups (called from buildPlatform): AWS Backup's plans, vaults and locks, and
 * Velero on the system pool. The cross-region copies of the buckets come later (buildDisasterRecovery),
 * once the areas whose buckets they replicate exist.
 */
export function buildBackup(cfg: BackupConfig, env: BackupInputs): Backup {
  const { cluster, protect, tags, ...scope } = env;
  const daily = parseDailyCron(cfg.schedule);
  if (!daily) throw new pulumi.RunError("entasis:backup.schedule did not parse after validation passed; this is a bug in lib/backupSchedule.ts");
  const retentionDays = tierRetentionDays(cfg);
  const drRegion = cfg.drRegion;
  const drProvider = drRegion !== undefined ? drRegionProvider(drRegion) : undefined;
  const backup = new BackupPolicy("backup", {
    namePrefix: env.namePrefix,
    accountId: env.accountId,
    partition: env.partition,
    daily,
    timezone: cfg.timezone,
    weeklyDay: cfg.weeklyDay,
    monthlyDay: cfg.monthlyDay,
    retentionDays,
    continuousBackup: cfg.continuousBackup,
    vaultLock: cfg.vaultLock.enabled,
    vaultLockChangeableForDays: cfg.vaultLock.changeableForDays,
    breakGlassRoleArn: env.breakGlassRoleArn,
    manageRegionSettings: cfg.manageRegionSettings,
    protect,
    disasterRecovery: drRegion !== undefined && drProvider ? { region: drRegion, provider: drProvider } : undefined,
    backupAccountVaultArn: cfg.backupAccountVaultArn,
    // Only this stack's resources, even when dev and prod share an account.
    scopeTags: { Stack: tags.Stack },
    tags,
  });

  const clusterBackup = cfg.velero.enabled
    ? new ClusterBackup("cluster-backup", {
        ...scope,
        provider: cluster.provider,
        oidcProviderArn: cluster.oidcProviderArn,
        issuerHostPath: cluster.issuerHostPath,
        nodeSelector: cluster.systemPool.labels,
        schedule: cfg.schedule,
        timezone: cfg.timezone,
        retentionDays: retentionDays.daily,
        snapshotVolumes: cfg.velero.snapshotVolumes,
        protect,
        scheduledAfter: cluster.scheduledOn(cluster.systemPool.poolName),
        tags,
      })
    : undefined;
  return { backup, clusterBackup, retentionDays, drRegion, drProvider };
}

/** Bucket role of the market-data bucket (components/data/objectStorage.ts). */
const MARKET_DATA = "market-data";

/**
 * The explicit provider of the disaster-recovery region. Credentials come from the same chain as
 * the default provider (environment, profile, OIDC in CI); only the region differs. Resources take
 * it explicitly, so nothing lands in the DR region by accident.
 */
export function drRegionProvider(drRegion: string): aws.Provider {
  return new aws.Provider("dr-region", { region: drRegion });
}

export interface DisasterRecoveryInputs extends GuardedAwsScope {
  readonly drRegion: string;
  readonly provider: aws.Provider;
  readonly data: DataTier;
  readonly dataConfig: DataConfig;
  readonly clusterBackup?: ClusterBackup;
  /** Further buckets to replicate (areas built after the data tier, e.g. the time-series WAL archive), keyed by bucket role. Default none. */
  readonly extraBuckets?: Readonly<Record<string, ReplicatedBucketArgs>>;
  readonly retentionDays: Readonly<Record<BackupTier, number>>;
  readonly tags: Tags;
}

/** Composition of the cross-region copies (called from buildPlatform when entasis:backup.drRegion is set). */
export function buildDisasterRecovery(env: DisasterRecoveryInputs): DisasterRecovery {
  const { data, dataConfig, clusterBackup } = env;
  if (dataConfig.postgres.backupRetentionDays < 1) {
    throw new pulumi.RunError("entasis:data.postgres.backupRetentionDays is 0 while entasis:backup.drRegion is set, after validation passed; this is a bug in stacks/schema/stack.ts");
  }
  const storage = data.objectStorage;
  const buckets: Record<string, ReplicatedBucketArgs> = {
    [MARKET_DATA]: {
      bucket: storage.marketData,
      versioning: storage.bucketVersioning[MARKET_DATA],
      keyArn: storage.marketDataKey.arn,
      // The same tiering and noncurrent expiry as the source: the copy is the data.
      drLifecycle: dataConfig.objectStorage.marketData.lifecycle,
      description: "raw market data",
    },
  };
  if (clusterBackup) {
    buckets[VELERO_BUCKET_ROLE] = {
      bucket: clusterBackup.bucket,
      versioning: clusterBackup.bucketVersioning,
      keyArn: clusterBackup.key.arn,
      // Velero expires its backups after the daily tier, but deletes are not replicated: the DR
      // copies expire on their own after the weekly tier's retention, which leaves weeks to act
      // after losing the region before the last cluster backup ages out.
      drLifecycle: { transitions: [], expirationDays: env.retentionDays.weekly, noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 7 },
      description: "Velero cluster backups",
    };
  }
  Object.assign(buckets, env.extraBuckets ?? {});
  return new DisasterRecovery("disaster-recovery", {
    namePrefix: env.namePrefix,
    region: env.region,
    drRegion: env.drRegion,
    drProvider: env.provider,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    database: { instanceArn: data.postgres.primary.arn, retentionDays: dataConfig.postgres.backupRetentionDays },
    buckets,
    protect: dataConfig.protect,
    tags: env.tags,
  });
}
