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
  },
};
