import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PoolDescription } from "../cluster/nodePool";
import { EncryptionKey } from "../security/encryptionKey";
import { ebsViaEc2Statement } from "../../lib/keyStatements";
import { Tags } from "../tags";
import { TimeseriesRestore, clusterSpec, objectStoreSpec, poolerSpec, scheduledBackupSpec } from "./clusterSpec";
import { TimeseriesConsumer, TimeseriesConsumers } from "./consumers";
import { TIMESERIES_CA_MOUNT, TIMESERIES_TLS_NAMES } from "./timeseriesTls";
import { PrivateCa, PrivateCaArgs } from "../security/privateCa";
import { AccountScope } from "../storage/encryptedBucket";

export interface TimeseriesClusterArgs extends AccountScope {
  readonly provider: k8s.Provider;
  /** Extra statements of the volume key, e.g. the backup account's copy access (lib/keyStatements.ts). Default none. */
  readonly volumeKeyStatements?: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  /**
   * What provisions and deletes the volumes (the EBS CSI add-on). The StorageClasses depend on it,
   * so everything that owns a volume does too, and a destroy deletes those objects (and their
   * volumes) before the driver and the node pools. Default none.
   */
  readonly volumeDriver?: readonly pulumi.Resource[];
  /** Namespace of the database. */
  readonly namespace: string;
  /** CNPG Cluster name: services `<name>-rw|-ro|-r`, service account `<name>`. */
  readonly clusterName: string;
  readonly instances: number;
  readonly synchronousReplicas: number;
  readonly postgresMajor: number;
  /** TimescaleDB operand image (tag pinned). */
  readonly image: string;
  readonly storageGiB: number;
  readonly walStorageGiB: number;
  readonly resources: { readonly cpuMillis: number; readonly memoryMiB: number };
  readonly pooler: { readonly instances: number; readonly poolMode: string; readonly defaultPoolSize: number; readonly maxClientConnections: number };
  /** Pool of the instances (labels and taints) and what a pod there waits for. */
  readonly pool: PoolDescription;
  readonly poolScheduledAfter: readonly pulumi.Resource[];
  /** System pool (PgBouncer) and what a pod there waits for. */
  readonly systemPool: PoolDescription;
  readonly systemScheduledAfter: readonly pulumi.Resource[];
  /** Releases that install the CRDs (and the webhooks admitting them). */
  readonly operatorRelease: pulumi.Resource;
  readonly pluginRelease: pulumi.Resource;
  /** Backup bucket and the IRSA role of the instances. */
  readonly backupBucket: pulumi.Input<string>;
  readonly backupRoleArn: pulumi.Input<string>;
  /** Recovery window of the object store (CNPG retentionPolicy, e.g. "7d"). */
  readonly backupRetention: string;
  /** Six-field UTC cron of the daily base backup. */
  readonly backupSchedule: string;
  readonly consumers: Readonly<Record<string, TimeseriesConsumer>>;
  /** Recover the Cluster from another cluster's archive instead of starting empty. Default none. */
  readonly restore?: TimeseriesRestore;
  readonly secretsKeyArn: pulumi.Input<string>;
  readonly secretRecoveryDays: number;
  readonly protect: boolean;
  readonly tags: Tags;
  /** Replica cluster of another stack's WAL archive (a failover standby). Default none. */
  readonly replicaOf?: TimeseriesReplicaSource;
  /** PostgreSQL `archive_timeout` in seconds (bounds the archive's lag, the standby's RPO). Default CNPG's 5 min. */
  readonly archiveTimeoutSeconds?: number;
  /** Rotation generation of the consumers' passwords (TimeseriesConsumersArgs.passwordGeneration). Default none. */
  readonly consumerPasswordGeneration?: number;
  /** cert-manager and the client namespaces of the server certificate (PrivateCa; the names and the server part come from here). No default. */
  readonly tls: Omit<PrivateCaArgs, "provider" | "server" | "issuerName" | "bundleSecretName">;
}

/** Where a replica cluster reads the source's archive, and the switch that promotes it. */
export interface TimeseriesReplicaSource {
  /** Bucket holding the source's archive (the DR-region copy of the primary's). */
  readonly bucket: pulumi.Input<string>;
  /** Region of that bucket. */
  readonly region: string;
  /** The source cluster's name (its server name in the archive). */
  readonly serverName: string;
  readonly promoted: boolean;
}

/** Name of the Barman Cloud ObjectStore that reads the source archive of a restoring or replica Cluster. */
export const SOURCE_OBJECT_STORE = "primary-archive";
/** Name of the source in a restoring or replica Cluster's externalClusters. */
export const SOURCE_CLUSTER = "primary";

/** gp3 StorageClass of the database volumes, encrypted with the time-series key. */
export const TIMESERIES_STORAGE_CLASS = "gp3-encrypted-timeseries";
export const IMAGE_CATALOG = "timescaledb";
export const OBJECT_STORE = "timeseries-backups";

/**
 * The TimescaleDB database on CloudNativePG: namespace, KMS-encrypted gp3 StorageClass, the image
 * catalog, the Barman Cloud object store, the Cluster, its PgBouncer Pooler, the daily base backup,
 * and one role (managed by the Cluster) and database (a `Database` with the timescaledb extension)
 * per application.
 *
 * Extension loading: a TimescaleDB operand image (timescale/timescaledb-ha through an ImageCatalog),
 * not image-volume extensions. Image volumes need PostgreSQL 18 (`extension_control_path`) and the
 * ImageVolume feature (beta, on by default only from Kubernetes 1.35, and a runtime that supports
 * it on the node AMI); CNPG's extension images do not publish TimescaleDB. CloudNativePG's own
 * `cluster` chart runs TimescaleDB the same way (ImageCatalog of timescaledb-ha, UID/GID 1000).
 * https://cloudnative-pg.io/documentation/current/imagevolume_extensions/
 * https://kubernetes.io/docs/tasks/configure-pod-container/image-volumes/
 * https://github.com/cloudnative-pg/charts/blob/main/charts/cluster/templates/image-catalog-timescaledb-ha.yaml
 */
export class TimeseriesCluster extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly volumeKey: EncryptionKey;
  public readonly storageClass: k8s.storage.v1.StorageClass;
  public readonly objectStore: k8s.apiextensions.CustomResource;
  /** The store reading another cluster's archive (read only: nothing archives into it); absent unless restoring or a replica cluster. */
  public readonly sourceObjectStore?: k8s.apiextensions.CustomResource;
  public readonly cluster: k8s.apiextensions.CustomResource;
  public readonly pooler: k8s.apiextensions.CustomResource;
  public readonly scheduledBackup: k8s.apiextensions.CustomResource;
  public readonly databases: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  public readonly consumers: TimeseriesConsumers;
  /** In-cluster service names (namespace-qualified DNS). */
  public readonly endpoints: { readonly rw: string; readonly ro: string; readonly pooler: string; readonly port: number };
  public readonly poolerName: string;
  /** The server certificate from the platform's time-series CA, and the client CA bundles. */
  public readonly tls: PrivateCa;

  constructor(name: string, args: TimeseriesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:TimeseriesCluster", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const cn = args.clusterName;
    const svc = (s: string): string => `${s}.${args.namespace}.svc.cluster.local`;
    this.poolerName = `${cn}-pooler-rw`;
    this.endpoints = { rw: svc(`${cn}-rw`), ro: svc(`${cn}-ro`), pooler: svc(this.poolerName), port: 5432 };

    // CNPG pods meet `restricted`; baseline is enforced, restricted is audited and warned.
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" } } },
      k8sOpts,
    );
    const ns = this.namespace.metadata.name;

    // Every Service a client may be given: the Pooler (the connection secrets' host), rw, ro and r.
    this.tls = new PrivateCa(
      `${name}-tls`,
      {
        ...args.tls,
        provider: args.provider,
        issuerName: TIMESERIES_TLS_NAMES.issuer,
        bundleSecretName: TIMESERIES_TLS_NAMES.caBundle,
        server: {
          role: "server",
          namespace: args.namespace,
          namespaceResource: this.namespace,
          services: [this.poolerName, `${cn}-rw`, `${cn}-ro`, `${cn}-r`],
          secretName: TIMESERIES_TLS_NAMES.serverCertificate,
          // CNPG reloads PostgreSQL when a Secret with this label changes (a renewal). https://cloudnative-pg.io/documentation/current/labels_annotations/
          secretLabels: { "cnpg.io/reload": "true" },
        },
      },
      { parent: this },
    );

    // The EBS CSI driver creates and attaches the volumes through EC2 under its own IRSA role. Like
    // the AWS managed aws/ebs key, this key lets principals of the account use it only via EC2 in
    // this region (lib/keyStatements.ts).
    this.volumeKey = new EncryptionKey(
      `${name}-volumes`,
      { description: `${args.namePrefix} TimescaleDB EBS volumes`, alias: `${args.namePrefix}-timeseries-volumes`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, statements: [ebsViaEc2Statement(args.accountId, args.region), ...(args.volumeKeyStatements ?? [])], tags: args.tags },
      { parent: this },
    );
    // WaitForFirstConsumer: each volume is created in the zone its instance lands in.
    // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
    this.storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: TIMESERIES_STORAGE_CLASS },
        provisioner: "ebs.csi.aws.com",
        parameters: {
          type: "gp3",
          encrypted: "true",
          kmsKeyId: this.volumeKey.arn,
          "csi.storage.k8s.io/fstype": "xfs",
          // Overrides the add-on's backup=true (StorageClass tags are applied after extraVolumeTags):
          // these volumes are backed up by WAL archiving and base backups, not by EBS snapshots.
          // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/tagging.md
          tagSpecification_1: "backup=false",
        },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        // A deleted Cluster leaves its volumes until someone decides (restore from S3 is the plan).
        reclaimPolicy: args.protect ? "Retain" : "Delete",
      },
      { ...k8sOpts, dependsOn: [...(args.volumeDriver ?? [])] },
    );

    const afterOperator = { ...k8sOpts, dependsOn: [args.operatorRelease, this.namespace] };
    const catalog = new k8s.apiextensions.CustomResource(
      `${name}-image-catalog`,
      { apiVersion: "postgresql.cnpg.io/v1", kind: "ImageCatalog", metadata: { name: IMAGE_CATALOG, namespace: ns }, spec: { images: [{ major: args.postgresMajor, image: args.image }] } },
      afterOperator,
    );
    this.objectStore = new k8s.apiextensions.CustomResource(
      `${name}-object-store`,
      { apiVersion: "barmancloud.cnpg.io/v1", kind: "ObjectStore", metadata: { name: OBJECT_STORE, namespace: ns }, spec: objectStoreSpec(args.backupBucket, args.region, args.backupRetention) },
      { ...k8sOpts, dependsOn: [args.pluginRelease, this.namespace] },
    );

    // A restoring or replica Cluster also reads the source's archive: a second store, only read from
    // (no retention), so the Cluster's own archive (above) stays a different bucket and the two never mix.
    const restore = args.restore;
    if (restore && args.replicaOf) throw new pulumi.RunError("a time-series Cluster cannot both restore from an archive and replicate one; this is a bug in stacks/schema/timeseries.ts");
    const source = restore ? { bucket: restore.bucket, region: args.region, serverName: restore.serverName ?? cn } : args.replicaOf;
    this.sourceObjectStore = source
      ? new k8s.apiextensions.CustomResource(
          `${name}-source-object-store`,
          { apiVersion: "barmancloud.cnpg.io/v1", kind: "ObjectStore", metadata: { name: SOURCE_OBJECT_STORE, namespace: ns }, spec: objectStoreSpec(source.bucket, source.region) },
          { ...k8sOpts, dependsOn: [args.pluginRelease, this.namespace] },
        )
      : undefined;

    this.consumers = new TimeseriesConsumers(
      `${name}-consumers`,
      {
        namePrefix: args.namePrefix,
        provider: args.provider,
        namespace: ns,
        consumers: args.consumers,
        endpoints: { poolerHost: this.endpoints.pooler, rwHost: this.endpoints.rw, roHost: this.endpoints.ro, port: this.endpoints.port },
        secretsKeyArn: args.secretsKeyArn,
        recoveryWindowInDays: args.secretRecoveryDays,
        protect: args.protect,
        tags: args.tags,
        passwordGeneration: args.consumerPasswordGeneration,
        tls: { caSecret: TIMESERIES_TLS_NAMES.caBundle, rootCert: TIMESERIES_CA_MOUNT.path },
      },
      { parent: this },
    );

    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: cn, namespace: ns },
        spec: clusterSpec({
          clusterName: cn,
          instances: args.instances,
          synchronousReplicas: args.synchronousReplicas,
          imageCatalog: IMAGE_CATALOG,
          postgresMajor: args.postgresMajor,
          storageClass: TIMESERIES_STORAGE_CLASS,
          storageGiB: args.storageGiB,
          walStorageGiB: args.walStorageGiB,
          resources: args.resources,
          nodeSelector: args.pool.labels,
          taints: args.pool.taints,
          objectStore: OBJECT_STORE,
          roleArn: args.backupRoleArn,
          consumers: args.consumers,
          archiveSource: source
            ? { source: SOURCE_CLUSTER, objectStore: SOURCE_OBJECT_STORE, serverName: source.serverName, replica: args.replicaOf ? { promoted: args.replicaOf.promoted } : undefined, targetTime: restore?.targetTime }
            : undefined,
          archiveTimeoutSeconds: args.archiveTimeoutSeconds,
          serverCertificateSecret: TIMESERIES_TLS_NAMES.serverCertificate,
        }),
      },
      {
        ...k8sOpts,
        dependsOn: [
          args.operatorRelease,
          args.pluginRelease,
          ...args.poolScheduledAfter,
          this.storageClass,
          catalog,
          this.objectStore,
          ...(this.sourceObjectStore ? [this.sourceObjectStore] : []),
          ...Object.values(this.consumers.roleSecrets),
          this.tls.serverCertificate,
        ],
        protect: args.protect,
      },
    );

    this.pooler = new k8s.apiextensions.CustomResource(
      `${name}-pooler`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Pooler",
        metadata: { name: this.poolerName, namespace: ns },
        spec: poolerSpec({ clusterName: cn, poolerName: this.poolerName, ...args.pooler, nodeSelector: args.systemPool.labels, serverCertificateSecret: TIMESERIES_TLS_NAMES.serverCertificate }),
      },
      { ...k8sOpts, dependsOn: [args.operatorRelease, this.cluster, this.tls.serverCertificate, ...args.systemScheduledAfter] },
    );

    this.scheduledBackup = new k8s.apiextensions.CustomResource(
      `${name}-daily-backup`,
      { apiVersion: "postgresql.cnpg.io/v1", kind: "ScheduledBackup", metadata: { name: `${cn}-daily`, namespace: ns }, spec: scheduledBackupSpec(cn, args.backupSchedule) },
      { ...k8sOpts, dependsOn: [args.operatorRelease, args.pluginRelease, this.cluster] },
    );

    // Database CRs: CNPG creates each database owned by its application's role, with TimescaleDB.
    // `retain`: deleting the CR never drops the data.
    // Consumers with a schema (the collectors) get it in the owner's database instead of their own;
    // CNPG creates each schema owned by its role (Database `.spec.schemas`, CNPG 1.26+).
    const schemaOwners = Object.values(args.consumers).filter((c) => c.schema !== undefined);
    this.databases = Object.fromEntries(
      Object.entries(args.consumers).filter(([, c]) => c.schema === undefined).map(([consumer, c]) => [
        consumer,
        new k8s.apiextensions.CustomResource(
          `${name}-db-${consumer}`,
          {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Database",
            metadata: { name: `${cn}-${consumer}`, namespace: ns },
            spec: {
              cluster: { name: cn },
              name: c.database,
              owner: c.username,
              ensure: "present",
              databaseReclaimPolicy: "retain",
              extensions: [{ name: "timescaledb", ensure: "present" }],
              ...(schemaOwners.some((w) => w.database === c.database)
                ? { schemas: schemaOwners.filter((w) => w.database === c.database).map((w) => ({ name: w.schema, owner: w.username, ensure: "present" })) }
                : {}),
            },
          },
          { ...k8sOpts, dependsOn: [args.operatorRelease, this.cluster] },
        ),
      ]),
    );

    this.registerOutputs({ endpoints: this.endpoints, consumerSecretArns: this.consumers.arns });
  }
}
