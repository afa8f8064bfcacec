import * as pulumi from "@pulumi/pulumi";
import { KubernetesTaint } from "../cluster/nodePool";
import { BARMAN_CLOUD_PLUGIN } from "./barmanCloudPlugin";
import { TimeseriesConsumer, roleSecretName } from "./consumers";

/**
 * The CloudNativePG objects of the time-series database as plain specs (field names of the CRDs in
 * the chart cache .charts/cloudnative-pg and plugin-barman-cloud; tests validate them against those CRDs).
 */

/** Zone label every EKS node carries. */
export const ZONE_KEY = "topology.kubernetes.io/zone";

/**
 * Where a new Cluster recovers from instead of starting empty: the Barman Cloud archive of another
 * cluster (the ha-mode recovery stack: the DR-region copy of the primary region's WAL archive and
 * base backups, docs/disaster-recovery.md). Bootstrap is immutable: set it before the Cluster exists.
 */
export interface TimeseriesRestore {
  /** Bucket holding the archive (the DR copy `<prefix>-timeseries-backups-dr-<account>-<region>`), in the stack's region. */
  readonly bucket: string;
  /** Key ARN the bucket's objects are encrypted with (the DR copy's own key): the instances decrypt with it. */
  readonly kmsKeyArn: string;
  /** Barman server name of the archived cluster (its folder in the bucket). Default: the cluster name. */
  readonly serverName?: string;
  /** UTC time to recover to. Default: the end of the archived WAL. */
  readonly targetTime?: string;
}

export interface ClusterSpecInput {
  readonly clusterName: string;
  readonly instances: number;
  readonly synchronousReplicas: number;
  readonly imageCatalog: string;
  readonly postgresMajor: number;
  readonly storageClass: string;
  readonly storageGiB: number;
  readonly walStorageGiB: number;
  readonly resources: { readonly cpuMillis: number; readonly memoryMiB: number };
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly taints: readonly KubernetesTaint[];
  readonly objectStore: string;
  readonly roleArn: pulumi.Input<string>;
  readonly consumers: Readonly<Record<string, TimeseriesConsumer>>;
  /**
   * Start from another cluster's archive instead of initdb: a one-time recovery (the ha-mode recovery
   * stack) or a replica cluster that keeps replaying it (the warm standby). Default none: initdb.
   */
  readonly archiveSource?: ArchiveSourceInput;
  /** PostgreSQL `archive_timeout` in seconds: the longest a written WAL segment waits for the archive. Default CNPG's (5 min). */
  readonly archiveTimeoutSeconds?: number;
  /**
   * cert-manager Secret (`tls.crt`, `tls.key`, `ca.crt`) of the server certificate: CNPG's
   * `serverTLSSecret` and `serverCASecret` (TimeseriesCluster's PrivateCa, components/security/privateCa.ts). No default.
   */
  readonly serverCertificateSecret: string;
}

/** Another cluster's Barman Cloud archive a Cluster bootstraps from (object store only, no streaming). */
export interface ArchiveSourceInput {
  /** Name of the external cluster (the source) in `externalClusters`. */
  readonly source: string;
  /** The Barman Cloud ObjectStore that reads the source's archive. */
  readonly objectStore: string;
  /** The source cluster's server name in that archive (its Cluster name). */
  readonly serverName: string;
  /** A replica cluster: false replays the archive (replica mode), true is promoted (replica mode off). Default none: a one-time recovery. */
  readonly replica?: { readonly promoted: boolean };
  /** UTC time a recovery stops at. Default: the end of the archived WAL. */
  readonly targetTime?: string;
}

/** One Equal toleration per taint of the pool: exactly what it carries, nothing wider. */
export function tolerationsFor(taints: readonly KubernetesTaint[]): { key: string; operator: "Equal"; value: string; effect: string }[] {
  return taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value ?? "", effect: t.effect }));
}

/** Topology spread of `selector`'s pods over zones (hard: a second pod in a zone waits rather than stack). */
export function zoneSpread(matchLabels: Record<string, string>): { maxSkew: number; topologyKey: string; whenUnsatisfiable: string; labelSelector: { matchLabels: Record<string, string> } }[] {
  return [{ maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } }];
}

/**
 * `.spec` of the `postgresql.cnpg.io/v1` Cluster.
 * - TimescaleDB comes with the operand image (timescaledb-ha, PostgreSQL UID/GID 1000) and is
 *   preloaded; `timescaledb.telemetry_level=off` keeps instances from calling home.
 * - TLS: the server certificate comes from the platform's time-series CA (cert-manager), so clients
 *   in other namespaces verify it (verify-full); CNPG keeps generating its client CA and the
 *   `streaming_replica` certificate. pg_hba lets TCP clients in over TLS only (CNPG's own rules for
 *   replication and the pooler come first and use certificates).
 * - prod: one instance per zone (required anti-affinity on the zone and a zone spread) and a
 *   synchronous standby (`any 1`, durability required), so a zone loss loses no committed write.
 * - WAL archiving and base backups through the Barman Cloud plugin; the instances' service
 *   account (named after the Cluster) carries the IRSA role.
 */
export function clusterSpec(c: ClusterSpecInput): Record<string, pulumi.Input<unknown>> {
  const memory = `${c.resources.memoryMiB}Mi`;
  // A quarter of the memory for shared_buffers, PostgreSQL's usual starting point.
  const sharedBuffersMiB = Math.floor(c.resources.memoryMiB / 4);
  const ha = c.instances >= 3;
  return {
    description: "TimescaleDB: market data and candles (004)",
    instances: c.instances,
    imageCatalogRef: { apiGroup: "postgresql.cnpg.io", kind: "ImageCatalog", name: c.imageCatalog, major: c.postgresMajor },
    // timescaledb-ha runs PostgreSQL as uid/gid 1000, not CNPG's default 26.
    postgresUID: 1000,
    postgresGID: 1000,
    primaryUpdateStrategy: "unsupervised",
    // CNPG's PodDisruptionBudgets: the primary's (minAvailable 1) and the standbys' (one may go).
    // A single instance gets none: its primary PDB would admit no eviction, and every node-group
    // update of its pool would end in PodEvictionFailure. With standbys, a drain of the primary's
    // node makes the operator switch over first, then the old primary is evicted as a standby.
    // https://cloudnative-pg.io/documentation/current/kubernetes_upgrade/#pod-disruption-budgets
    enablePDB: c.instances > 1,
    postgresql: {
      shared_preload_libraries: ["timescaledb"],
      parameters: {
        shared_buffers: `${sharedBuffersMiB}MB`,
        "timescaledb.telemetry_level": "off",
        "timescaledb.max_background_workers": "8",
        max_worker_processes: "24",
        ssl_min_protocol_version: "TLSv1.2",
        ...(c.archiveTimeoutSeconds !== undefined ? { archive_timeout: `${c.archiveTimeoutSeconds}s` } : {}),
      },
      pg_hba: ["hostssl all all all scram-sha-256", "hostnossl all all all reject"],
      ...(c.synchronousReplicas > 0 ? { synchronous: { method: "any", number: c.synchronousReplicas, dataDurability: "required" } } : {}),
    },
    // The superuser has no password and no network login; operators use `kubectl cnpg psql`.
    enableSuperuserAccess: false,
    // The cert-manager Secret serves both: it carries ca.crt, and CNPG needs no CA key when it is
    // given the server certificate. https://cloudnative-pg.io/documentation/current/certificates/#cert-manager-example
    certificates: { serverTLSSecret: c.serverCertificateSecret, serverCASecret: c.serverCertificateSecret },
    ...(c.archiveSource ? archiveSourceSpec(c.archiveSource) : { bootstrap: { initdb: { database: "app", owner: "app", postInitTemplateSQL: ["CREATE EXTENSION IF NOT EXISTS timescaledb;"] } } }),
    storage: { storageClass: c.storageClass, size: `${c.storageGiB}Gi`, resizeInUseVolumes: true },
    walStorage: { storageClass: c.storageClass, size: `${c.walStorageGiB}Gi`, resizeInUseVolumes: true },
    resources: { requests: { cpu: `${c.resources.cpuMillis}m`, memory }, limits: { memory } },
    affinity: {
      nodeSelector: { ...c.nodeSelector },
      tolerations: tolerationsFor(c.taints),
      enablePodAntiAffinity: true,
      topologyKey: ZONE_KEY,
      podAntiAffinityType: ha ? "required" : "preferred",
    },
    topologySpreadConstraints: zoneSpread({ "cnpg.io/cluster": c.clusterName }),
    // Velero skips everything CNPG generates (pods, PVCs, Secrets): crash-consistent snapshots of
    // PGDATA and WAL on two volumes do not restore a consistent database; recovery is from the
    // object store (docs/timeseries-restore.md).
    inheritedMetadata: { labels: { "velero.io/exclude-from-backup": "true" } },
    serviceAccountTemplate: { metadata: { annotations: { "eks.amazonaws.com/role-arn": c.roleArn } } },
    plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: c.objectStore } }],
    managed: {
      roles: Object.entries(c.consumers).map(([consumer, r]) => ({
        name: r.username,
        ensure: "present",
        login: true,
        superuser: false,
        createdb: false,
        createrole: false,
        inherit: true,
        connectionLimit: -1,
        passwordSecret: { name: roleSecretName(consumer) },
      })),
    },
  };
}

/**
 * The part of `.spec` that starts a Cluster from another cluster's archive: bootstrapped by recovery
 * from the source's base backup and WAL (the app database, its owner and the extension come with the
 * data); a replica cluster then stays in replica mode replaying the WAL the archive receives, and
 * `replica.enabled: false` promotes it (the cluster starts archiving as its own).
 * https://cloudnative-pg.io/plugin-barman-cloud/docs/usage/#restoring-a-cluster
 * https://cloudnative-pg.io/documentation/current/replica_cluster/
 */
export function archiveSourceSpec(a: ArchiveSourceInput): Record<string, unknown> {
  return {
    bootstrap: { recovery: { source: a.source, ...(a.targetTime !== undefined ? { recoveryTarget: { targetTime: a.targetTime } } : {}) } },
    ...(a.replica ? { replica: { enabled: !a.replica.promoted, source: a.source } } : {}),
    externalClusters: [{ name: a.source, plugin: { name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: a.objectStore, serverName: a.serverName } } }],
  };
}

/** `.spec` of the Barman Cloud `ObjectStore`: the bucket, IRSA credentials, compression, retention window (none for a store only read from). */
export function objectStoreSpec(bucket: pulumi.Input<string>, region: string, retention?: string): Record<string, pulumi.Input<unknown>> {
  return {
    configuration: {
      destinationPath: pulumi.interpolate`s3://${bucket}/`,
      // The sidecar gets the role from the pod's IRSA token (no static keys).
      s3Credentials: { inheritFromIAMRole: true },
      // Encryption left to the bucket's default (SSE-KMS with our key); barman's `aws:kms` without
      // a key id would pick the AWS managed key instead.
      wal: { compression: "gzip", maxParallel: 4 },
      data: { compression: "gzip", jobs: 2 },
    },
    // None on a restore source: nothing may delete from the copy it reads.
    ...(retention !== undefined ? { retentionPolicy: retention } : {}),
    instanceSidecarConfiguration: {
      env: [{ name: "AWS_REGION", value: region }],
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    },
  };
}

/** `.spec` of the PgBouncer `Pooler` in front of the primary. */
export function poolerSpec(p: {
  readonly clusterName: string;
  readonly poolerName: string;
  readonly instances: number;
  readonly poolMode: string;
  readonly defaultPoolSize: number;
  readonly maxClientConnections: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The Cluster's server certificate Secret (ClusterSpecInput.serverCertificateSecret), presented to clients. */
  readonly serverCertificateSecret: string;
}): Record<string, unknown> {
  const resources = { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "256Mi" } };
  return {
    cluster: { name: p.clusterName },
    instances: p.instances,
    type: "rw",
    pgbouncer: {
      poolMode: p.poolMode,
      parameters: {
        default_pool_size: String(p.defaultPoolSize),
        max_client_conn: String(p.maxClientConnections),
        // CNPG's default is `prefer`; clients must use TLS (and verify the certificate below).
        client_tls_sslmode: "require",
      },
      // PgBouncer presents the Cluster's server certificate (CNPG's default for clientTLSSecret,
      // spelled out): it names the Pooler's Service too. Setting only this (not serverTLSSecret)
      // keeps CNPG's automatic auth_query integration.
      // https://cloudnative-pg.io/documentation/current/connection_pooling/#certificates
      clientTLSSecret: { name: p.serverCertificateSecret },
    },
    // PgBouncer is stateless: the system pool, spread over zones.
    template: {
      metadata: { labels: { "cnpg.io/poolerName": p.poolerName } },
      spec: {
        nodeSelector: { ...p.nodeSelector },
        containers: [{ name: "pgbouncer", resources }],
        topologySpreadConstraints: zoneSpread({ "cnpg.io/poolerName": p.poolerName }),
      },
    },
  };
}

/** `.spec` of the daily `ScheduledBackup` (a base backup; WAL is archived continuously). */
export function scheduledBackupSpec(clusterName: string, schedule: string): Record<string, unknown> {
  return {
    cluster: { name: clusterName },
    schedule,
    method: "plugin",
    pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
    // A first base backup right after creation, so point-in-time recovery works from day one.
    immediate: true,
    backupOwnerReference: "self",
  };
}
