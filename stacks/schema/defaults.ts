import { deepMerge } from "../../lib/merge";

/**
 * Named defaults per environment: what Pulumi.<stack>.yaml may leave out. Dev trades availability
 * for cost; prod is highly available. Values the spec fixes (node pool sizes, ports) are written
 * in the stack files instead, where reviewers see them.
 */
export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Defaults every environment shares. */
const SHARED: Readonly<Record<string, unknown>> = {
  network: {
    subnetPrefixes: { public: 24, private: 19, database: 24 },
    flowLogs: { enabled: true, trafficType: "ALL" },
    bastion: { enabled: true, instanceType: "t3.micro" },
  },
  cluster: { endpoint: { publicAccess: false, publicAccessCidrs: [] }, adminPrincipalArns: [], addonVersions: {} },
  data: {
    postgres: {
      backupWindow: "17:00-18:00",
      maintenanceWindow: "sun:18:30-sun:19:30",
      performanceInsights: { enabled: true },
      logExports: ["postgresql", "upgrade"],
      // The spec's tuning (001): max_connections 500, PgBouncer 400 server connections = 80% of it.
      maxConnections: 500,
      proxy: { idleClientTimeoutSeconds: 1800, maxConnectionsPercent: 80 },
    },
    // The spec's cache (001 "Redis Cache"): 256 MB, LRU eviction, 5-minute default TTL.
    redis: { engine: "redis", snapshotWindow: "16:00-17:00", maintenanceWindow: "sun:19:30-sun:20:30", maxmemoryPolicy: "allkeys-lru", cacheMemoryMiB: 256, defaultTtlSeconds: 300 },
  },
  monitoring: {
    slackChannel: "#alerts",
    alertmanager: { storageGiB: 5 },
    grafana: { replicas: 1 },
    alerts: { errorRatePercent: 5, p99LatencySeconds: 0.5, podRestartsPerHour: 3, nodePoolUsagePercent: 80, for: "5m" },
  },
  backup: {
    schedule: "0 1 * * *",
    timezone: "Asia/Seoul",
    retention: { hourly: 24, daily: 7, weekly: 4, monthly: 12 },
    weeklyDay: "SUN",
    monthlyDay: 1,
    continuousBackup: true,
    velero: { enabled: true, snapshotVolumes: true },
  },
  edge: {
    scheme: "internet-facing",
    allowedCidrs: ["0.0.0.0/0"],
    idleTimeoutSeconds: 600,
    websocket: { path: "/ws" },
    healthCheck: { intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 3 },
    internalNlb: { enabled: false },
    managedWaf: false,
  },
  deploy: {},
  timeseries: {
    namespace: "timeseries",
    pool: "data-processing",
    postgresMajor: 17,
    image: "timescale/timescaledb-ha:pg17.4-ts2.18.2",
    // default_pool_size is per user/database pair and per PgBouncer (https://www.pgbouncer.org/config.html#default_pool_size):
    // 4 pairs (two consumers and the two collectors' roles) x 2 PgBouncers x 10 = 80 of the 97 PostgreSQL accepts in prod.
    pooler: { poolMode: "transaction", defaultPoolSize: 10, maxClientConnections: 1000 },
    backup: {},
    alerts: { replicationLagSeconds: 30, storageUsagePercent: 80, for: "5m" },
    clientNamespaces: ["trading-api"],
    consumers: {},
  },
  workloads: {
    namespace: "trading-api",
    ports: { http: 8080, metrics: 9090 },
    vpa: { updateMode: "Auto", minMemory: "1Gi", maxMemory: "8Gi" },
    pdbMinAvailable: 2,
    // 002: 2,653 orders/s per backend; 2 uvicorn workers x SQLAlchemy's default pool (5 + 10 overflow).
    capacity: { ordersPerSecondPerPod: 2653, dbPoolSize: 30 },
  },
  processing: {
    pool: "data-processing",
    spark: { operatorNamespace: "spark-operator", jobNamespace: "spark-jobs", containerDefault: { cpuMillis: 500, memoryMiB: 1024 } },
    flink: {
      operatorNamespace: "flink-operator",
      jobNamespace: "flink-jobs",
      containerDefault: { cpuMillis: 500, memoryMiB: 1024 },
      jobManager: { cpu: 1, memoryMiB: 2048 },
      checkpointIntervalSeconds: 60,
      noncurrentStateRetentionDays: 7,
    },
    examples: { sparkBackfill: false, flinkCandles: false },
  },
  ai: {
    enabled: true,
    serving: { namespace: "ai-serving", gpusPerReplica: 1, resources: { cpuMillis: 1000, memoryMiB: 4096 } },
    pipelines: { namespace: "argo", trainingGpus: 1 },
    gpuAlerts: { idleUtilPercent: 5, idleFor: "6h", memoryUsedPercent: 90 },
    examples: { inferenceService: false, workflowTemplate: false },
  },
  messaging: {
    enabled: true,
    engineVersion: "4.2",
    // Monday 05:30 in Seoul: after the daily backup, before the Korean market opens.
    maintenanceWindow: { dayOfWeek: "SUNDAY", timeOfDay: "20:30", timeZone: "UTC" },
    adminUsername: "entasis_admin",
    users: { "trading-api": { username: "trading_api" } },
  },
  // The spec's etcd keys (001 "etcd Configuration"); database/url and redis/enabled come from the platform.
  configStore: { enabled: true, apps: { "trading-api": { values: { "circuit_breakers/rabbitmq/timeout": "30" } }, analytics: { values: {} } } },
  // Locust on the data-processing pool (tainted: never trading-api's nodes), the spec's stages shape.
  loadTest: { namespace: "loadtest", pool: "data-processing", shape: "stages", summaryRetentionDays: 90 },
  // The spec's Collector-1 and Collector-2 (004 "Data Collection Layer"). PLACEHOLDER images and
  // hosts: previews work with them, `pulumi up` refuses them (stacks/schema/collectors.ts).
  collectors: {
    enabled: true,
    namespace: "collectors",
    vhost: "market-data",
    database: "market_data",
    alerts: { reconnectsPer15m: 10, for: "2m" },
    feeds: {
      "exchange-api": {
        description: "Exchange API (REST and WebSocket market data)",
        image: "exchange-collector:1.0.0",
        replicas: 2,
        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        target: { host: "api.exchange.example.com", ports: [443] },
        metricsPort: 9090,
        staleAfterSeconds: 60,
      },
      "data-feed": {
        description: "Market data feed",
        image: "data-feed-collector:1.0.0",
        replicas: 2,
        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        target: { host: "feed.data.example.com", ports: [443] },
        metricsPort: 9090,
        staleAfterSeconds: 300,
      },
    },
  },
  mesh: { enabled: true, mtlsMode: "STRICT" },
};

/** Where dev differs: one NAT, single-AZ data, no deletion protection, short retention, small sizes. */
const DEV: Readonly<Record<string, unknown>> = {
  network: { natStrategy: "single", flowLogs: { retentionDays: 30 } },
  cluster: { logRetentionDays: 30, deletionProtection: false, metricsServerReplicas: 1, certManagerReplicas: 1 },
  data: {
    protect: false,
    // Deleted at once: the secrets' names are fixed, and a 7-day window would block a rebuild.
    secretRecoveryDays: 0,
    logRetentionDays: 30,
    postgres: {
      multiAz: false,
      backupRetentionDays: 7,
      performanceInsights: { retentionDays: 7 },
      monitoringIntervalSeconds: 60,
      proxy: { enabled: false },
    },
    redis: { nodes: 1, automaticFailover: false, multiAz: false, snapshotRetentionDays: 1 },
    objectStorage: {
      marketData: { lifecycle: { noncurrentVersionExpirationDays: 7 } },
      accessLogs: { lifecycle: { expirationDays: 30, noncurrentVersionExpirationDays: 7 } },
    },
  },
  logging: {
    retentionDays: 7,
    elasticsearch: {
      nodes: 1,
      storageGiB: 20,
      heapMiB: 512,
      resources: { cpuMillis: 250, memoryMiB: 1536 },
      reclaimPolicy: "Delete",
    },
    kibana: { replicas: 1, resources: { cpuMillis: 100, memoryMiB: 1024 } },
    filebeat: { resources: { cpuMillis: 50, memoryMiB: 200 } },
  },
  monitoring: { prometheus: { replicas: 1, retention: "7d", storageGiB: 20 }, alertmanager: { replicas: 1 } },
  backup: { vaultLock: { enabled: false }, manageRegionSettings: false },
  audit: { provider: "none", retentionDays: 365 },
  timeseries: {
    instances: 1,
    synchronousReplicas: 0,
    storageGiB: 20,
    walStorageGiB: 5,
    resources: { cpuMillis: 500, memoryMiB: 2048 },
    pooler: { instances: 1 },
    operatorReplicas: 1,
  },
  edge: {
    deletionProtection: false,
    deregistrationDelaySeconds: 30,
    websocket: { deregistrationDelaySeconds: 30 },
    healthCheck: { unhealthyThreshold: 3 },
    lbControllerReplicas: 1,
    lbServiceController: false,
  },
  // The spec's compute workers run 8 cores and 6 concurrent jobs each (000); dev keeps one small job.
  processing: {
    spark: { operatorReplicas: 1, driver: { cores: 1, memoryMiB: 2048 }, executor: { cores: 2, memoryMiB: 8192, instances: 2 }, eventLogRetentionDays: 30 },
    flink: { taskManager: { cpu: 1, memoryMiB: 4096, slots: 2 } },
  },
  ai: { serving: { minReplicas: 1, maxReplicas: 2 }, modelVersionRetentionDays: 7, pipelines: { workflowTtlHours: 24, artifactRetentionDays: 30, replicas: 1 } },
  messaging: { hostInstanceType: "mq.m7g.medium", deploymentMode: "SINGLE_INSTANCE" },
  loadTest: { enabled: true, workers: 5 },
  mesh: { istiodReplicas: 1 },
};

/** Where prod differs: HA everywhere, deletion protection and locks, long retention. */
const PROD: Readonly<Record<string, unknown>> = {
  network: { natStrategy: "one-per-az", flowLogs: { retentionDays: 365 } },
  cluster: { logRetentionDays: 365, deletionProtection: true, metricsServerReplicas: 2, certManagerReplicas: 2 },
  data: {
    protect: true,
    secretRecoveryDays: 30,
    logRetentionDays: 365,
    postgres: {
      multiAz: true,
      backupRetentionDays: 30,
      performanceInsights: { retentionDays: 31 },
      monitoringIntervalSeconds: 15,
      proxy: { enabled: true },
    },
    redis: { nodes: 3, automaticFailover: true, multiAz: true, snapshotRetentionDays: 14 },
    objectStorage: {
      marketData: {
        lifecycle: {
          transitions: [{ days: 90, storageClass: "STANDARD_IA" }, { days: 365, storageClass: "GLACIER_IR" }],
          noncurrentVersionExpirationDays: 90,
        },
      },
      accessLogs: {
        lifecycle: {
          transitions: [{ days: 90, storageClass: "GLACIER_IR" }],
          expirationDays: 400,
          noncurrentVersionExpirationDays: 30,
        },
      },
    },
  },
  logging: {
    retentionDays: 30,
    elasticsearch: {
      nodes: 3,
      storageGiB: 200,
      heapMiB: 4096,
      resources: { cpuMillis: 1000, memoryMiB: 8192 },
      reclaimPolicy: "Retain",
    },
    kibana: { replicas: 2, resources: { cpuMillis: 500, memoryMiB: 2048 } },
    filebeat: { resources: { cpuMillis: 100, memoryMiB: 400 } },
  },
  monitoring: { prometheus: { replicas: 2, retention: "15d", storageGiB: 100 }, alertmanager: { replicas: 2 } },
  backup: { vaultLock: { enabled: true, changeableForDays: 3 }, manageRegionSettings: true, breakGlassRole: "entasis-prod-break-glass" },
  audit: { provider: "platform", retentionDays: 365 },
  timeseries: {
    instances: 3,
    synchronousReplicas: 1,
    storageGiB: 200,
    walStorageGiB: 50,
    resources: { cpuMillis: 2000, memoryMiB: 16384 },
    pooler: { instances: 2 },
    operatorReplicas: 2,
  },
  edge: {
    deletionProtection: true,
    deregistrationDelaySeconds: 60,
    websocket: { deregistrationDelaySeconds: 120 },
    healthCheck: { unhealthyThreshold: 2 },
    lbControllerReplicas: 2,
    lbServiceController: false,
    // An internet-facing trading API: AWS managed rule groups in front (components/edge/webAcl.ts).
    managedWaf: true,
  },
  processing: {
    spark: { operatorReplicas: 2, driver: { cores: 1, memoryMiB: 4096 }, executor: { cores: 4, memoryMiB: 16384, instances: 4 }, eventLogRetentionDays: 90 },
    flink: { taskManager: { cpu: 2, memoryMiB: 8192, slots: 4 } },
  },
  ai: { serving: { minReplicas: 2, maxReplicas: 4 }, modelVersionRetentionDays: 90, pipelines: { workflowTtlHours: 168, artifactRetentionDays: 180, replicas: 2 } },
  messaging: { hostInstanceType: "mq.m7g.large", deploymentMode: "CLUSTER_MULTI_AZ" },
  // Off by default: a test run against prod is a deliberate, announced act (turn on, run, turn off).
  loadTest: { enabled: false, workers: 10 },
  mesh: { istiodReplicas: 2 },
};

const merged = (env: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> => deepMerge(SHARED, env) as Readonly<Record<string, unknown>>;

export const ENVIRONMENT_DEFAULTS: Readonly<Record<Environment, Readonly<Record<string, unknown>>>> = {
  dev: merged(DEV),
  prod: merged(PROD),
};
