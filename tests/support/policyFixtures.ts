import { PolicyInput } from "./policy";

/**
 * Hand-written resources for the policy tests, shaped as the harness records them (type token,
 * inputs with the SDK's property names, property dependencies by URN). Each `compliant*` set passes
 * every rule; a violating case changes exactly one thing.
 */
export const TAGS = { Environment: "prod", Owner: "platform-engineering", CostCenter: "entasis-prod", Name: "fixture" } as const;

export function res(type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, readonly PolicyInput[]> = {}): PolicyInput {
  const deps = Object.fromEntries(Object.entries(propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)]));
  return {
    urn: `urn:pulumi:test::entasis-infra::${type}::${name}`,
    type,
    name,
    inputs,
    state: inputs,
    propertyDependencies: deps,
    dependencies: [...new Set(Object.values(deps).flat())],
  };
}

/** The same resource with some inputs replaced (`undefined` removes the key). */
export function patch(r: PolicyInput, changes: Record<string, unknown>): PolicyInput {
  const inputs: Record<string, unknown> = { ...r.inputs };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete inputs[k];
    else inputs[k] = v;
  }
  return { ...r, inputs, state: inputs };
}

/** Replaces the resource of the same URN in a set. */
export function replace(set: readonly PolicyInput[], r: PolicyInput): PolicyInput[] {
  return set.map((x) => (x.urn === r.urn ? r : x));
}

export const password = res("random:index/randomPassword:RandomPassword", "db-password", { length: 32, special: false });

export const pgParams = res("aws:rds/parameterGroup:ParameterGroup", "db-params", { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1" }], tags: TAGS });

export const primaryDb = res(
  "aws:rds/instance:Instance",
  "db-primary",
  {
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: "db.r6g.large",
    storageEncrypted: true,
    kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/db",
    publiclyAccessible: false,
    parameterGroupName: "db-params-name",
    dbSubnetGroupName: "db-subnets",
    multiAz: true,
    deletionProtection: true,
    backupRetentionPeriod: 7,
    username: "entasis",
    password: "generated-by-random-password-0123456789",
    tags: TAGS,
  },
  { password: [password], parameterGroupName: [pgParams] },
);

export const replicaDb = res("aws:rds/instance:Instance", "db-replica", { replicateSourceDb: "db-primary-id", instanceClass: "db.r6g.large", publiclyAccessible: false, tags: TAGS }, {});

export const rdsProxy = res("aws:rds/proxy:Proxy", "db-proxy", { engineFamily: "POSTGRESQL", roleArn: "arn:aws:iam::123456789012:role/proxy", vpcSubnetIds: ["subnet-a"], requireTls: true, tags: TAGS });

export const redisToken = res("random:index/randomPassword:RandomPassword", "redis-token", { length: 64, special: false });
export const redis = res(
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "redis",
  {
    description: "trading cache",
    engine: "redis",
    nodeType: "cache.r6g.large",
    numCacheClusters: 2,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    authToken: "generated-by-random-password-0123456789",
    subnetGroupName: "cache-subnets",
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    snapshotRetentionLimit: 7,
    tags: TAGS,
  },
  { authToken: [redisToken] },
);

export const mqPassword = res("random:index/randomPassword:RandomPassword", "mq-admin-password", { length: 32, special: false });
/** A RabbitMQ broker as the messaging area builds it (prod). */
export const rabbitBroker = res(
  "aws:mq/broker:Broker",
  "mq-broker",
  {
    brokerName: "entasis-prod-rabbitmq",
    engineType: "RabbitMQ",
    engineVersion: "4.2",
    hostInstanceType: "mq.m7g.large",
    deploymentMode: "CLUSTER_MULTI_AZ",
    publiclyAccessible: false,
    autoMinorVersionUpgrade: true,
    logs: { general: true },
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    securityGroups: ["sg-mq"],
    users: [{ username: "entasis_admin", password: "generated-by-random-password-0123456789" }],
    tags: TAGS,
  },
  { users: [mqPassword] },
);
/** An ActiveMQ broker with a customer-managed key, the only engine that accepts one. */
export const activeBroker = patch(res("aws:mq/broker:Broker", "amq-broker", { ...rabbitBroker.inputs }, { users: [mqPassword] }), {
  engineType: "ActiveMQ",
  engineVersion: "5.18",
  hostInstanceType: "mq.m5.large",
  deploymentMode: "ACTIVE_STANDBY_MULTI_AZ",
  encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/mq" },
});
/** A key policy as components/security/encryptionKey.ts writes it in prod: only the break-glass role deletes or disables the key. */
export const GUARDED_KEY_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["kms:Create*", "kms:Put*", "kms:ScheduleKeyDeletion"], Resource: "*" },
    { Sid: "AccountUse", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["kms:Encrypt", "kms:Decrypt"], Resource: "*" },
    {
      Sid: "OnlyBreakGlassDeletesOrDisables",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/entasis-prod-break-glass" } },
    },
  ],
});
export const configKey = res("aws:kms/key:Key", "config-key", { enableKeyRotation: true, description: "config", policy: GUARDED_KEY_POLICY, tags: TAGS });
export const secureParam = res(
  "aws:ssm/parameter:Parameter",
  "config-db-url",
  { name: "/entasis/prod/config/trading-api/database/url", type: "SecureString", keyId: "arn:aws:kms:ap-northeast-2:123456789012:key/config", value: "postgresql://trading_api@db:5432/entasis?sslmode=verify-full", tier: "Standard", tags: TAGS },
  { keyId: [configKey] },
);

export const bucket = res("aws:s3/bucket:Bucket", "data", { tags: TAGS });
export const bucketPab = res(
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "data-pab",
  { bucket: "data-id", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
  { bucket: [bucket] },
);
export const bucketSse = res(
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "data-sse",
  { bucket: "data-id", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/s3" }, bucketKeyEnabled: true }] },
  { bucket: [bucket] },
);
/** The ALB access-log bucket's encryption: SSE-S3 is the only kind ALB log delivery accepts. */
export const albLogsSse = res(
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "object-storage-access-logs",
  { bucket: "data-id", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
  { bucket: [bucket] },
);
export const TLS_ONLY_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});
export const bucketPolicy = res("aws:s3/bucketPolicy:BucketPolicy", "data-policy", { bucket: "data-id", policy: TLS_ONLY_POLICY }, { bucket: [bucket] });
export const bucketVersioning = res("aws:s3/bucketVersioning:BucketVersioning", "data-versioning", { bucket: "data-id", versioningConfiguration: { status: "Enabled" } }, { bucket: [bucket] });
export const bucketAcl = res("aws:s3/bucketAcl:BucketAcl", "data-acl", { bucket: "data-id", acl: "private" }, { bucket: [bucket] });
/** Cross-region replication of the bucket (its destination lives in the DR region, outside the set). */
export const bucketReplication = res(
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  "data-replication",
  {
    bucket: "data-id",
    role: "arn:aws:iam::123456789012:role/s3-replication",
    rules: [{ id: "to-dr", status: "Enabled", filter: {}, deleteMarkerReplication: { status: "Disabled" }, destination: { bucket: "arn:aws:s3:::data-dr" } }],
  },
  { bucket: [bucket] },
);
export const s3Set: readonly PolicyInput[] = [bucket, bucketPab, bucketSse, bucketPolicy, bucketVersioning, bucketAcl, bucketReplication];
/** Object Lock (compliance, a week) as prod's DR buckets have it. */
export const bucketObjectLock = res(
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "data-object-lock",
  { bucket: "data-id", objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 7 } } },
  { bucket: [bucket] },
);

/** The primary's automated backups replicated to the DR region. */
export const rdsBackupReplication = res(
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  "db-primary-dr",
  { sourceDbInstanceArn: "arn:aws:rds:ap-northeast-2:123456789012:db:db-primary", kmsKeyId: "arn:aws:kms:ap-northeast-1:123456789012:key/dr", retentionPeriod: 7 },
  { sourceDbInstanceArn: [primaryDb] },
);

const planRule = (ruleName: string, deleteAfter: number, copy: boolean): Record<string, unknown> => ({
  ruleName,
  targetVaultName: "vault",
  schedule: "cron(0 1 * * ? *)",
  lifecycle: { deleteAfter },
  copyActions: copy ? [{ destinationVaultArn: "arn:aws:backup:ap-northeast-1:123456789012:backup-vault:vault-dr", lifecycle: { deleteAfter } }] : undefined,
});
/** A plan whose daily points are copied to another region (hourly ones stay local). */
export const backupPlan = res("aws:backup/plan:Plan", "plan", { name: "plan", rules: [planRule("hourly", 1, false), planRule("daily", 7, true)], tags: TAGS });

export const volume = res("aws:ebs/volume:Volume", "scratch", { availabilityZone: "ap-northeast-2a", size: 100, encrypted: true, tags: TAGS });
export const instance = res("aws:ec2/instance:Instance", "bastion-host", {
  ami: "ami-0a1b2c3d4e5f67890",
  instanceType: "t3.micro",
  associatePublicIpAddress: false,
  metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
  rootBlockDevice: { volumeType: "gp3", volumeSize: 30, encrypted: true },
  ebsBlockDevices: [{ deviceName: "/dev/xvdb", encrypted: true, volumeSize: 50 }],
  tags: TAGS,
});
export const launchTemplate = res("aws:ec2/launchTemplate:LaunchTemplate", "nodes-lt", {
  metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 100, volumeType: "gp3" } }],
  networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }],
  tags: TAGS,
});
export const kmsKey = res("aws:kms/key:Key", "data-key", { description: "data", enableKeyRotation: true, policy: GUARDED_KEY_POLICY, tags: TAGS });
export const signingKey = res("aws:kms/key:Key", "signing-key", { description: "signing", customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY", policy: GUARDED_KEY_POLICY, tags: TAGS });
export const vault = res("aws:backup/vault:Vault", "vault", { kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/backup", tags: TAGS });
/** The vault's compliance-mode lock and its break-glass access policy (components/backup/backupPolicy.ts in prod). */
export const vaultLock = res("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "vault-lock", { backupVaultName: "vault", minRetentionDays: 1, maxRetentionDays: 365, changeableForDays: 3 }, { backupVaultName: [vault] });
export const vaultPolicy = res(
  "aws:backup/vaultPolicy:VaultPolicy",
  "vault-policy",
  {
    backupVaultName: "vault",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: ["backup:DeleteRecoveryPoint"], Resource: "*", Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/entasis-prod-break-glass" } } }] }),
  },
  { backupVaultName: [vault] },
);
export const vaultSet: readonly PolicyInput[] = [vault, vaultLock, vaultPolicy];
/** A role a service assumes for this account only (lib/serviceTrust.ts). */
export const serviceRole = res("aws:iam/role:Role", "flow-logs-role", {
  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }] }),
  tags: TAGS,
});
/** An IRSA role: a web-identity trust, not a service trust. */
export const irsaRole = res("aws:iam/role:Role", "velero-role", {
  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "oidc.eks:sub": "system:serviceaccount:velero:velero" } } }] }),
  tags: TAGS,
});
/** An inline policy writing only what carries its tag (as Velero's does). */
export const scopedRolePolicy = res(
  "aws:iam/rolePolicy:RolePolicy",
  "velero-policy",
  {
  role: "velero-role",
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["ec2:DescribeSnapshots"], Resource: "*" },
      { Effect: "Allow", Action: ["ec2:DeleteSnapshot"], Resource: "arn:aws:ec2:ap-northeast-2::snapshot/*", Condition: { StringLike: { "aws:ResourceTag/velero.io/backup": "*" } } },
      { Effect: "Allow", Action: ["ec2:CreateTags"], Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "CreateSnapshot" } } },
    ],
  }),
  },
  { role: [irsaRole] },
);
/** A validated, multi-region, KMS-encrypted trail (components/security/auditTrail.ts). */
export const trail = res("aws:cloudtrail/trail:Trail", "audit-trail", { name: "audit", s3BucketName: "audit-bucket", enableLogFileValidation: true, isMultiRegionTrail: true, includeGlobalServiceEvents: true, kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/audit", tags: TAGS });
export const logGroup = res("aws:cloudwatch/logGroup:LogGroup", "flow-logs", { retentionInDays: 365, kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/logs", tags: TAGS });

export const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.20.0.0/16", tags: TAGS });
export const flowLog = res("aws:ec2/flowLog:FlowLog", "vpc-flow", { vpcId: "vpc-id", trafficType: "ALL", logDestination: "arn:aws:logs:ap-northeast-2:123456789012:log-group:flow", tags: TAGS }, { vpcId: [vpc] });
export const frontendSg = res("aws:ec2/securityGroup:SecurityGroup", "sg-frontend", { vpcId: "vpc-id", description: "alb", tags: TAGS }, { vpcId: [vpc] });
export const appSg = res("aws:ec2/securityGroup:SecurityGroup", "sg-app", { vpcId: "vpc-id", description: "app", tags: TAGS }, { vpcId: [vpc] });
export const httpsIn = res(
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "sg-frontend-in-443",
  { securityGroupId: "sg-frontend-id", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", tags: TAGS },
  { securityGroupId: [frontendSg] },
);
export const httpIn6 = res(
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "sg-frontend-in-80-v6",
  { securityGroupId: "sg-frontend-id", ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv6: "::/0", tags: TAGS },
  { securityGroupId: [frontendSg] },
);
export const appFromAlb = res(
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "sg-app-in-8080",
  { securityGroupId: "sg-app-id", ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: "sg-frontend-id", tags: TAGS },
  { securityGroupId: [appSg], referencedSecurityGroupId: [frontendSg] },
);
export const alb = res(
  "aws:lb/loadBalancer:LoadBalancer",
  "alb",
  { loadBalancerType: "application", internal: false, subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-frontend-id"], dropInvalidHeaderFields: true, tags: TAGS },
  { securityGroups: [frontendSg] },
);
export const httpListener = res(
  "aws:lb/listener:Listener",
  "alb-http",
  { loadBalancerArn: "alb-arn", port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }], tags: TAGS },
  { loadBalancerArn: [alb] },
);
export const httpsListener = res(
  "aws:lb/listener:Listener",
  "alb-https",
  {
    loadBalancerArn: "alb-arn",
    port: 443,
    protocol: "HTTPS",
    certificateArn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/x",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    defaultActions: [{ type: "forward", targetGroupArn: "tg-arn" }],
    tags: TAGS,
  },
  { loadBalancerArn: [alb] },
);
export const edgeSet: readonly PolicyInput[] = [vpc, flowLog, frontendSg, appSg, httpsIn, httpIn6, appFromAlb, alb, httpListener, httpsListener];

export const cluster = res("aws:eks/cluster:Cluster", "eks", {
  roleArn: "arn:aws:iam::123456789012:role/eks",
  version: "1.35",
  vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
  encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/eks" } },
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  tags: TAGS,
});
export const nodeGroup = res("aws:eks/nodeGroup:NodeGroup", "general", {
  clusterName: "eks",
  nodeRoleArn: "arn:aws:iam::123456789012:role/node",
  subnetIds: ["subnet-a"],
  scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 10 },
  launchTemplate: { id: "lt-id", version: "1" },
  tags: TAGS,
});

const container = {
  name: "trading-api",
  image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0",
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
  livenessProbe: { httpGet: { path: "/health", port: 8080 } },
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
};
export const podSpec = { securityContext: { runAsNonRoot: true, runAsUser: 10001 }, containers: [container] };
export function deploymentWith(pod: Record<string, unknown>): PolicyInput {
  return res("kubernetes:apps/v1:Deployment", "trading-api", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "trading-api", namespace: "trading" },
    spec: { replicas: 3, selector: { matchLabels: { app: "trading-api" } }, template: { metadata: { labels: { app: "trading-api" } }, spec: pod } },
  });
}
export function containerWith(changes: Record<string, unknown>): Record<string, unknown> {
  const c: Record<string, unknown> = { ...container };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete c[k];
    else c[k] = v;
  }
  return c;
}
export const deployment = deploymentWith(podSpec);
export const daemonSet = res("kubernetes:apps/v1:DaemonSet", "filebeat", {
  spec: { selector: { matchLabels: { app: "filebeat" } }, template: { metadata: { labels: { app: "filebeat" } }, spec: { ...podSpec, containers: [{ ...container, name: "filebeat" }] } } },
});
/** A Job runs to completion: no probes, still resources and non-root. */
export const job = res("kubernetes:batch/v1:Job", "migrate", {
  spec: { template: { spec: { restartPolicy: "Never", securityContext: { runAsNonRoot: true }, containers: [{ name: "migrate", image: "migrate:1", resources: container.resources }] } } },
});

/** A CloudNativePG Cluster as prod builds it (3 per zone, sync standby, TLS only, WAL to the plugin) and its daily backup. */
export const cnpgCluster = res("kubernetes:postgresql.cnpg.io/v1:Cluster", "tsdb", {
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata: { name: "tsdb", namespace: "timeseries" },
  spec: {
    instances: 3,
    affinity: { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: "topology.kubernetes.io/zone" },
    postgresql: { synchronous: { method: "any", number: 1 }, pg_hba: ["hostssl all all all scram-sha-256", "hostnossl all all all reject"] },
    plugins: [{ name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true, parameters: { barmanObjectName: "store" } }],
  },
});
export const cnpgScheduledBackup = res("kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", "tsdb-daily", {
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "ScheduledBackup",
  metadata: { name: "tsdb-daily", namespace: "timeseries" },
  spec: { cluster: { name: "tsdb" }, schedule: "0 0 16 * * *", method: "plugin", pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" } },
});
export const cnpgSet: readonly PolicyInput[] = [cnpgCluster, cnpgScheduledBackup];
/** Processing jobs as the platform's examples place them (components/processing/examples.ts). */
const dataPool = { nodeSelector: { role: "data-processing" }, tolerations: [{ key: "workload", operator: "Equal", value: "data-processing", effect: "NoSchedule" }] };
const sparkSpec = {
  type: "Python",
  mode: "cluster",
  sparkVersion: "3.5.7",
  mainApplicationFile: "s3a://market/jobs/backfill.py",
  driver: { cores: 1, memory: "2048m", serviceAccount: "spark", ...dataPool },
  executor: { cores: 2, instances: 2, memory: "8192m", serviceAccount: "spark", ...dataPool },
};
export function sparkAppWith(changes: { driver?: Record<string, unknown>; executor?: Record<string, unknown> } = {}): PolicyInput {
  return res("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", "backfill", {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name: "backfill", namespace: "spark-jobs" },
    spec: { ...sparkSpec, driver: { ...sparkSpec.driver, ...changes.driver }, executor: { ...sparkSpec.executor, ...changes.executor } },
  });
}
export function scheduledSparkAppWith(executor: Record<string, unknown> = {}): PolicyInput {
  return res("kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication", "daily", {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "ScheduledSparkApplication",
    metadata: { name: "daily", namespace: "spark-jobs" },
    spec: { schedule: "0 1 * * *", template: { ...sparkSpec, executor: { ...sparkSpec.executor, ...executor } } },
  });
}
export function flinkDeploymentWith(job: Record<string, unknown> | undefined, annotations?: Record<string, string>): PolicyInput {
  return res("kubernetes:flink.apache.org/v1beta1:FlinkDeployment", "candles", {
    apiVersion: "flink.apache.org/v1beta1",
    kind: "FlinkDeployment",
    metadata: { name: "candles", namespace: "flink-jobs", ...(annotations ? { annotations } : {}) },
    spec: { image: "flink:1.20.2-scala_2.12-java17", flinkVersion: "v1_20", serviceAccount: "flink", ...(job ? { job } : {}) },
  });
}

/** A processing namespace with every guardrail; a violating case drops or changes one. */
export const processingNamespace = res("kubernetes:core/v1:Namespace", "spark-jobs-namespace", { metadata: { name: "spark-jobs", labels: { "entasis.io/processing": "spark", "pod-security.kubernetes.io/enforce": "baseline" } } });
export const processingQuota = res("kubernetes:core/v1:ResourceQuota", "spark-jobs-quota", { metadata: { name: "processing-quota", namespace: "spark-jobs" }, spec: { hard: { "requests.cpu": "6", pods: "40" } } });
export const processingLimits = res("kubernetes:core/v1:LimitRange", "spark-jobs-limits", { metadata: { name: "processing-limits", namespace: "spark-jobs" }, spec: { limits: [{ type: "Container", defaultRequest: { cpu: "500m", memory: "1Gi" } }] } });
export const processingDenyAll = res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "spark-jobs-net-default-deny", { metadata: { name: "default-deny", namespace: "spark-jobs" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
export const processingBinding = res("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "spark-jobs-placement", {
  metadata: { name: "spark-jobs-data-pool-placement" },
  spec: { policyName: "spark-jobs-data-pool-placement", validationActions: ["Deny"], matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spark-jobs" } } } },
});
export const processingSet: readonly PolicyInput[] = [processingNamespace, processingQuota, processingLimits, processingDenyAll, processingBinding];
/** The GPU pool's placement, as the AI area writes it. */
const gpuPlacement = { nodeSelector: { role: "ai-inference" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }] };
const gpuResources = { requests: { cpu: "1", memory: "4Gi", "nvidia.com/gpu": "1" }, limits: { memory: "4Gi", "nvidia.com/gpu": "1" } };
export const servingRuntime = res("kubernetes:serving.kserve.io/v1alpha1:ServingRuntime", "triton", {
  apiVersion: "serving.kserve.io/v1alpha1",
  kind: "ServingRuntime",
  metadata: { name: "triton", namespace: "ai-serving" },
  spec: { ...gpuPlacement, supportedModelFormats: [{ name: "onnx", version: "1" }], containers: [{ name: "kserve-container", image: "nvcr.io/nvidia/tritonserver:25.10-py3", resources: gpuResources }] },
});
export const inferenceService = res("kubernetes:serving.kserve.io/v1beta1:InferenceService", "example", {
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  metadata: { name: "example", namespace: "ai-serving" },
  spec: {
    predictor: {
      ...gpuPlacement,
      minReplicas: 2,
      maxReplicas: 4,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }],
      model: { modelFormat: { name: "onnx" }, runtime: "triton", storageUri: "s3://models/example", resources: { limits: { "nvidia.com/gpu": "1" } } },
    },
  },
});
export const workflowTemplate = res("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate", "train", {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "WorkflowTemplate",
  metadata: { name: "train", namespace: "argo" },
  spec: {
    entrypoint: "train",
    templates: [
      { name: "prepare", container: { image: "python:3.12-slim", resources: { requests: { cpu: "500m", memory: "1Gi" } } } },
      { name: "train", ...gpuPlacement, container: { image: "nvcr.io/nvidia/pytorch:25.10-py3", resources: gpuResources } },
    ],
  },
});

/** A collector as the collectors area builds it: Deployment, PDB, default deny and its own egress. */
export const collectorDeployment = res("kubernetes:apps/v1:Deployment", "collector-feed", {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "collector-feed", namespace: "collectors" },
  spec: { replicas: 2, selector: { matchLabels: { app: "collector-feed" } }, template: { metadata: { labels: { app: "collector-feed", "app.kubernetes.io/component": "collector" } }, spec: podSpec } },
});
export const collectorPdb = res("kubernetes:policy/v1:PodDisruptionBudget", "collector-feed-pdb", { metadata: { name: "collector-feed", namespace: "collectors" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "collector-feed" } } } });
export const collectorDenyAll = res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "collectors-default-deny", { metadata: { name: "default-deny", namespace: "collectors" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
export const collectorEgress = res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "collector-feed-egress", {
  metadata: { name: "collector-feed-egress", namespace: "collectors" },
  spec: {
    podSelector: { matchLabels: { app: "collector-feed" } },
    policyTypes: ["Egress"],
    egress: [
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] },
    ],
  },
});
export const collectorSet: readonly PolicyInput[] = [collectorDeployment, collectorPdb, collectorDenyAll, collectorEgress];

/** A namespace in the ambient mesh with its STRICT peer authentication (and an ALB port exception). */
export const meshNamespace = res("kubernetes:core/v1:Namespace", "trading-api-ns", { metadata: { name: "trading-api", labels: { "pod-security.kubernetes.io/enforce": "restricted", "istio.io/dataplane-mode": "ambient" } } });
export const meshStrict = res("kubernetes:security.istio.io/v1:PeerAuthentication", "trading-api-pa", { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "trading-api" }, spec: { mtls: { mode: "STRICT" } } });
export const meshPortException = res("kubernetes:security.istio.io/v1:PeerAuthentication", "trading-api-pa-alb", {
  apiVersion: "security.istio.io/v1",
  kind: "PeerAuthentication",
  metadata: { name: "trading-api-outside-mesh", namespace: "trading-api" },
  spec: { selector: { matchLabels: { app: "trading-api" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } },
});
export const meshSet: readonly PolicyInput[] = [meshNamespace, denyAllIn("trading-api"), meshStrict, meshPortException];
/** A namespace at the `restricted` Pod Security level. */
export const namespace = res("kubernetes:core/v1:Namespace", "apps-ns", { metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
/** A namespace's default-deny (every pod, both directions, no rules), as lib/networkPolicy.ts writes it. */
export function denyAllIn(ns: string): PolicyInput {
  return res("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${ns}-default-deny`, { metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
}

/** GuardDuty with EKS audit logs and Runtime Monitoring managing the EKS agent (components/security/auditTrail.ts). */
export const detector = res("aws:guardduty/detector:Detector", "audit-guardduty", { enable: true, tags: TAGS });
export const eksAuditLogs = res("aws:guardduty/detectorFeature:DetectorFeature", "audit-eks-audit-logs", { name: "EKS_AUDIT_LOGS", status: "ENABLED" }, { detectorId: [detector] });
export const runtimeMonitoring = res(
  "aws:guardduty/detectorFeature:DetectorFeature",
  "audit-runtime-monitoring",
  { name: "RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }] },
  { detectorId: [detector] },
);
export const detectorSet = [detector, eksAuditLogs, runtimeMonitoring];

/** A consumer's connection Secret: its own user's password, no administrative credential. */
export const appSecret = res("kubernetes:core/v1:Secret", "trading-api-db", { metadata: { name: "trading-api-db", namespace: "trading-api" }, type: "Opaque", stringData: { username: "trading_api", password: "[secret]" } });
