/**
 * Named defaults per environment: what Pulumi.<stack>.yaml may leave out. Dev trades availability
 * for cost; prod is highly available. Values the spec fixes (node pool sizes, ports) are written
 * in the stack files instead, where reviewers see them.
 */
export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ENVIRONMENT_DEFAULTS: Readonly<Record<Environment, Readonly<Record<string, unknown>>>> = {
  dev: {
    network: {
      natStrategy: "single",
      subnetPrefixes: { public: 24, private: 19, database: 24 },
      flowLogs: { enabled: true, retentionDays: 30, trafficType: "ALL" },
      bastion: { enabled: true, instanceType: "t3.micro" },
    },
    cluster: {
      endpoint: { publicAccess: false, publicAccessCidrs: [] },
      adminPrincipalArns: [],
      logRetentionDays: 30,
      addonVersions: {},
      deletionProtection: false,
      metricsServerReplicas: 1,
    },
    data: {
      protect: false,
      secretRecoveryDays: 7,
      logRetentionDays: 30,
      postgres: {
        multiAz: false,
        backupRetentionDays: 7,
        backupWindow: "17:00-18:00",
        maintenanceWindow: "sun:18:30-sun:19:30",
        performanceInsights: { enabled: true, retentionDays: 7 },
        monitoringIntervalSeconds: 60,
        logExports: ["postgresql", "upgrade"],
        proxy: { enabled: false, idleClientTimeoutSeconds: 1800, maxConnectionsPercent: 90 },
      },
      redis: { engine: "redis", nodes: 1, automaticFailover: false, multiAz: false, snapshotRetentionDays: 1, snapshotWindow: "16:00-17:00", maintenanceWindow: "sun:19:30-sun:20:30" },
      objectStorage: {
        marketData: { lifecycle: { noncurrentVersionExpirationDays: 7 } },
        accessLogs: { lifecycle: { expirationDays: 30, noncurrentVersionExpirationDays: 7 } },
      },
    },
    logging: {
      retentionDays: 7,
      elasticsearch: { nodes: 1, storageGiB: 20, heapMiB: 512, resources: { cpuMillis: 250, memoryMiB: 1536 }, reclaimPolicy: "Delete" },
      kibana: { replicas: 1, resources: { cpuMillis: 100, memoryMiB: 1024 } },
      filebeat: { resources: { cpuMillis: 50, memoryMiB: 200 } },
    },
    monitoring: {
      slackChannel: "#alerts",
      prometheus: { replicas: 1, retention: "7d", storageGiB: 20 },
      alertmanager: { replicas: 1, storageGiB: 5 },
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
      vaultLock: { enabled: false },
      manageRegionSettings: false,
      velero: { enabled: true, snapshotVolumes: true },
    },
    edge: {
      deletionProtection: false,
      idleTimeoutSeconds: 60,
      deregistrationDelaySeconds: 30,
      healthCheck: { intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
      internalNlb: { enabled: false },
      lbControllerReplicas: 1,
    },
    workloads: {
      namespace: "trading-api",
      ports: { http: 8080, metrics: 9090 },
      vpa: { updateMode: "Auto", minMemory: "1Gi", maxMemory: "8Gi" },
      pdbMinAvailable: 2,
    },
  },
  prod: {
    network: {
      natStrategy: "one-per-az",
      subnetPrefixes: { public: 24, private: 19, database: 24 },
      flowLogs: { enabled: true, retentionDays: 365, trafficType: "ALL" },
      bastion: { enabled: true, instanceType: "t3.micro" },
    },
    cluster: {
      endpoint: { publicAccess: false, publicAccessCidrs: [] },
      adminPrincipalArns: [],
      logRetentionDays: 365,
      addonVersions: {},
      deletionProtection: true,
      metricsServerReplicas: 2,
    },
    data: {
      protect: true,
      secretRecoveryDays: 30,
      logRetentionDays: 365,
      postgres: {
        multiAz: true,
        backupRetentionDays: 30,
        backupWindow: "17:00-18:00",
        maintenanceWindow: "sun:18:30-sun:19:30",
        performanceInsights: { enabled: true, retentionDays: 31 },
        monitoringIntervalSeconds: 15,
        logExports: ["postgresql", "upgrade"],
        proxy: { enabled: true, idleClientTimeoutSeconds: 1800, maxConnectionsPercent: 90 },
      },
      redis: { engine: "redis", nodes: 3, automaticFailover: true, multiAz: true, snapshotRetentionDays: 14, snapshotWindow: "16:00-17:00", maintenanceWindow: "sun:19:30-sun:20:30" },
      objectStorage: {
        marketData: { lifecycle: { transitions: [{ days: 90, storageClass: "STANDARD_IA" }, { days: 365, storageClass: "GLACIER_IR" }], noncurrentVersionExpirationDays: 90 } },
        accessLogs: { lifecycle: { transitions: [{ days: 90, storageClass: "GLACIER_IR" }], expirationDays: 400, noncurrentVersionExpirationDays: 30 } },
      },
    },
    logging: {
      retentionDays: 30,
      elasticsearch: { nodes: 3, storageGiB: 200, heapMiB: 4096, resources: { cpuMillis: 1000, memoryMiB: 8192 }, reclaimPolicy: "Retain" },
      kibana: { replicas: 2, resources: { cpuMillis: 500, memoryMiB: 2048 } },
      filebeat: { resources: { cpuMillis: 100, memoryMiB: 400 } },
    },
    monitoring: {
      slackChannel: "#alerts",
      prometheus: { replicas: 2, retention: "15d", storageGiB: 100 },
      alertmanager: { replicas: 2, storageGiB: 5 },
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
      vaultLock: { enabled: true },
      manageRegionSettings: true,
      velero: { enabled: true, snapshotVolumes: true },
    },
    edge: {
      deletionProtection: true,
      idleTimeoutSeconds: 60,
      deregistrationDelaySeconds: 60,
      healthCheck: { intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 2 },
      internalNlb: { enabled: false },
      lbControllerReplicas: 2,
    },
    workloads: {
      namespace: "trading-api",
      ports: { http: 8080, metrics: 9090 },
      vpa: { updateMode: "Auto", minMemory: "1Gi", maxMemory: "8Gi" },
      pdbMinAvailable: 2,
    },
  },
};
