import { RecordedResource, RunResult } from "../tools/offline/harness";
import { CACHE_AUTH_TOKEN_SPECIALS, RDS_PASSWORD_FORBIDDEN } from "../lib/awsLimits";
import { componentOf, jsonInput, named, ofType, str, tagsOf } from "./support/query";
import { recordedRuns } from "./support/runs";

const RDS = "aws:rds/instance:Instance";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const KEY_ARN = (component: string): string => `arn:aws:kms:ap-northeast-2:123456789012:key/${component}-key-key-id`;

/** What differs between the stacks; everything else below must hold in both. */
const EXPECTED = {
  dev: { multiAz: false, replicas: [] as string[], protect: false, proxy: false, redisNodes: 1, failover: false, retention: 7, azs: ["ap-northeast-2a", "ap-northeast-2c"], instanceClass: "db.t4g.medium", monitoring: 60 },
  prod: { multiAz: true, replicas: ["reporting"], protect: true, proxy: true, redisNodes: 3, failover: true, retention: 30, azs: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"], instanceClass: "db.r7g.xlarge", monitoring: 15 },
} as const;

const runs = recordedRuns(["dev", "prod"]);

function secretDocument(run: RunResult, name: string): Record<string, unknown> {
  return JSON.parse(str(named(run, name, SECRET_VERSION), "secretString")) as Record<string, unknown>;
}

describe.each(["dev", "prod"] as const)("data tier of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const exp = EXPECTED[stack];
  const primary = (): RecordedResource => named(run(), "postgres-primary", RDS);

  it("runs PostgreSQL 17 on the database subnet group and the database security group only, never public", () => {
    expect(primary().inputs).toMatchObject({
      identifier: `entasis-${stack}-postgres`,
      engine: "postgres",
      engineVersion: "17",
      instanceClass: exp.instanceClass,
      dbSubnetGroupName: named(run(), "network-db", "aws:rds/subnetGroup:SubnetGroup").state.name,
      vpcSecurityGroupIds: ["security-groups-database-id"],
      publiclyAccessible: false,
      port: 5432,
      iamDatabaseAuthenticationEnabled: true,
    });
    expect(named(run(), "postgres-params", "aws:rds/parameterGroup:ParameterGroup").inputs.family).toBe("postgres17");
  });

  it("encrypts storage and Performance Insights with its own customer-managed key, on gp3 with autoscaling", () => {
    expect(primary().inputs).toMatchObject({
      storageEncrypted: true,
      kmsKeyId: KEY_ARN("postgres-storage"),
      storageType: "gp3",
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: KEY_ARN("postgres-storage"),
      performanceInsightsRetentionPeriod: stack === "prod" ? 31 : 7,
    });
    expect(Number(primary().inputs.maxAllocatedStorage)).toBeGreaterThan(Number(primary().inputs.allocatedStorage));
    expect(named(run(), "postgres-storage-key", "aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
  });

  it("forces TLS and logs slow statements, connections and DDL through its parameter group", () => {
    const params = named(run(), "postgres-params", "aws:rds/parameterGroup:ParameterGroup").inputs.parameters as { name: string; value: string }[];
    expect(Object.fromEntries(params.map((p) => [p.name, p.value]))).toMatchObject({ "rds.force_ssl": "1", log_min_duration_statement: "1000", log_connections: "1", log_statement: "ddl" });
    expect(primary().inputs.parameterGroupName).toBe(named(run(), "postgres-params", "aws:rds/parameterGroup:ParameterGroup").state.name);
  });

  it("has Enhanced Monitoring through a role only RDS monitoring can assume", () => {
    expect(primary().inputs.monitoringInterval).toBe(exp.monitoring);
    const role = named(run(), "postgres-monitoring", "aws:iam/role:Role");
    expect(primary().inputs.monitoringRoleArn).toBe(role.state.arn);
    expect(jsonInput(role, "assumeRolePolicy")).toMatchObject({ Statement: [{ Principal: { Service: "monitoring.rds.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }] });
    expect(named(run(), "postgres-monitoring", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
  });

  it("exports PostgreSQL logs into KMS-encrypted log groups it creates before the instance", () => {
    expect(primary().inputs.enabledCloudwatchLogsExports).toEqual(["postgresql", "upgrade"]);
    for (const logType of ["postgresql", "upgrade"]) {
      const group = named(run(), `postgres-primary-${logType}`, "aws:cloudwatch/logGroup:LogGroup");
      expect(group.inputs).toMatchObject({ name: `/aws/rds/instance/entasis-${stack}-postgres/${logType}`, kmsKeyId: KEY_ARN("network-logs"), retentionInDays: stack === "prod" ? 365 : 30 });
      expect(primary().dependencies).toContain(group.urn);
    }
  });

  it(`keeps ${exp.retention} days of automated backups in windows that do not overlap maintenance`, () => {
    expect(primary().inputs).toMatchObject({ backupRetentionPeriod: exp.retention, backupWindow: "17:00-18:00", maintenanceWindow: "sun:18:30-sun:19:30", copyTagsToSnapshot: true });
  });

  it(`is ${exp.multiAz ? "" : "not "}Multi-AZ`, () => {
    expect(primary().inputs.multiAz).toBe(exp.multiAz);
  });

  it(exp.protect ? "is protected: deletion protection, a final snapshot and Pulumi protect" : "is disposable: no deletion protection, no final snapshot, no Pulumi protect", () => {
    expect(primary().inputs.deletionProtection).toBe(exp.protect);
    expect(primary().inputs.skipFinalSnapshot).toBe(!exp.protect);
    expect(primary().inputs.finalSnapshotIdentifier).toBe(exp.protect ? `entasis-${stack}-postgres-final` : undefined);
    expect(primary().protect).toBe(exp.protect);
    const stateful = [primary(), ...ofType(run(), RDS), named(run(), "redis-group"), ...ofType(run(), "aws:s3/bucket:Bucket"), ...ofType(run(), SECRET)];
    expect(stateful.map((r) => [r.name, r.protect])).toEqual(stateful.map((r) => [r.name, exp.protect]));
  });

  it("keeps the master password out of plain state: generated, marked secret, stored only in Secrets Manager", () => {
    expect(primary().secretPaths).toContain("password");
    expect(primary().inputs.username).toBe("entasis_admin");
    const password = named(run(), "postgres-master-password", "random:index/randomPassword:RandomPassword");
    expect(primary().inputs.password).toBe(password.state.result);
    const chars = String(password.inputs.overrideSpecial);
    expect([...RDS_PASSWORD_FORBIDDEN].filter((c) => chars.includes(c))).toEqual([]);
    expect(Number(password.inputs.length)).toBeGreaterThanOrEqual(8);
    expect(Number(password.inputs.length)).toBeLessThanOrEqual(128);
    const version = named(run(), "postgres-master", SECRET_VERSION);
    expect(version.secretPaths).toEqual(["secretString"]);
    expect(secretDocument(run(), "postgres-master")).toMatchObject({ engine: "postgres", username: "entasis_admin", password: password.state.result, port: 5432, dbname: "entasis" });
    expect(named(run(), "postgres-master", SECRET).inputs).toMatchObject({ name: `entasis-${stack}/postgres/master`, kmsKeyId: KEY_ARN("data-secrets") });
  });

  it(`has ${exp.replicas.length} read replica(s), keyed by name, replicating the primary with its encryption and isolation`, () => {
    const replicas = ofType(run(), RDS).filter((r) => r.inputs.replicateSourceDb !== undefined);
    expect(replicas.map((r) => r.name)).toEqual(exp.replicas.map((k) => `postgres-replica-${k}`));
    for (const r of replicas) {
      const key = r.name.replace("postgres-replica-", "");
      expect(r.inputs).toMatchObject({
        identifier: `entasis-${stack}-postgres-${key}`,
        replicateSourceDb: `entasis-${stack}-postgres`,
        storageEncrypted: true,
        kmsKeyId: KEY_ARN("postgres-storage"),
        publiclyAccessible: false,
        vpcSecurityGroupIds: ["security-groups-database-id"],
        iamDatabaseAuthenticationEnabled: true,
        parameterGroupName: primary().inputs.parameterGroupName,
        skipFinalSnapshot: true,
        deletionProtection: exp.protect,
      });
      for (const inherited of ["username", "password", "dbSubnetGroupName", "engine", "engineVersion", "dbName", "finalSnapshotIdentifier"]) expect(r.inputs[inherited]).toBeUndefined();
      expect(r.secretPaths).toEqual([]);
    }
  });

  it(exp.proxy ? "pools connections through RDS Proxy: TLS required, IAM end to end, its own security group" : "has no RDS Proxy", () => {
    const proxies = ofType(run(), "aws:rds/proxy:Proxy");
    expect(proxies).toHaveLength(exp.proxy ? 1 : 0);
    const dbRules = ofType(run(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === "security-groups-database-id");
    const sources = dbRules.map((r) => `${String(r.inputs.fromPort)} from ${String(r.inputs.referencedSecurityGroupId)}`).sort();
    if (!exp.proxy) {
      expect(sources).toEqual(["5432 from security-groups-application-id", "6379 from security-groups-application-id"]);
      return;
    }
    expect(proxies[0].inputs).toMatchObject({ name: "entasis-prod-postgres-proxy", engineFamily: "POSTGRESQL", requireTls: true, defaultAuthScheme: "IAM_AUTH", debugLogging: false, vpcSecurityGroupIds: ["postgres-proxy-sg-id"] });
    expect(proxies[0].inputs.vpcSubnetIds).toEqual(exp.azs.map((az) => `network-database-${az}-id`));
    // The one addition to the spec's rules: the database accepts 5432 from the proxy group, nothing else new.
    expect(sources).toEqual(["5432 from postgres-proxy-sg-id", "5432 from security-groups-application-id", "6379 from security-groups-application-id"]);
    const proxyRules = run().resources.filter((r) => r.type.startsWith("aws:vpc/securityGroup") && r.inputs.securityGroupId === "postgres-proxy-sg-id");
    expect(proxyRules.map((r) => [r.type.split(":").pop(), r.inputs.fromPort, r.inputs.referencedSecurityGroupId])).toEqual([
      ["SecurityGroupIngressRule", 5432, "security-groups-application-id"],
      ["SecurityGroupEgressRule", 5432, "security-groups-database-id"],
    ]);
    expect(named(run(), "postgres-proxy-primary", "aws:rds/proxyTarget:ProxyTarget").inputs).toMatchObject({ dbInstanceIdentifier: "entasis-prod-postgres", dbProxyName: "entasis-prod-postgres-proxy", targetGroupName: "default" });
    const policy = jsonInput(named(run(), "postgres-proxy-connect", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Action: string; Resource: string[] }[] };
    const resourceId = String(primary().state.resourceId);
    expect(policy.Statement).toEqual([
      { Effect: "Allow", Action: "rds-db:connect", Resource: ["trading_api", "analytics"].map((u) => `arn:aws:rds-db:ap-northeast-2:123456789012:dbuser:${resourceId}/${u}`) },
    ]);
  });

  it("runs Redis encrypted in transit (required) and at rest with its own key, on the cache subnet group and database security group", () => {
    const group = named(run(), "redis-group", "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(group.inputs).toMatchObject({
      replicationGroupId: `entasis-${stack}-redis`,
      engine: "redis",
      engineVersion: "7.1",
      port: 6379,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: KEY_ARN("redis-storage"),
      subnetGroupName: named(run(), "network-cache", "aws:elasticache/subnetGroup:SubnetGroup").state.name,
      securityGroupIds: ["security-groups-database-id"],
      snapshotRetentionLimit: stack === "prod" ? 14 : 1,
    });
    expect(str(group, "replicationGroupId").length).toBeLessThanOrEqual(40);
  });

  it(`runs ${exp.redisNodes} Redis node(s) ${exp.failover ? "across AZs with automatic failover and Multi-AZ" : "without failover"}`, () => {
    const group = named(run(), "redis-group", "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(group.inputs).toMatchObject({ numCacheClusters: exp.redisNodes, automaticFailoverEnabled: exp.failover, multiAzEnabled: exp.failover });
    expect(group.inputs.preferredCacheClusterAzs).toEqual(stack === "prod" ? exp.azs : [exp.azs[0]]);
    expect(group.inputs.finalSnapshotIdentifier).toBe(exp.protect ? `entasis-${stack}-redis-final` : undefined);
  });

  it("protects the Redis AUTH token: generated within ElastiCache's rules, secret in inputs, kept in Secrets Manager", () => {
    const group = named(run(), "redis-group", "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(group.secretPaths).toContain("authToken");
    const token = named(run(), "redis-auth-token", "random:index/randomPassword:RandomPassword");
    expect(group.inputs.authToken).toBe(token.state.result);
    expect(Number(token.inputs.length)).toBeGreaterThanOrEqual(16);
    expect(Number(token.inputs.length)).toBeLessThanOrEqual(128);
    expect([...String(token.inputs.overrideSpecial)].every((c) => CACHE_AUTH_TOKEN_SPECIALS.includes(c))).toBe(true);
    expect(named(run(), "redis-auth", SECRET_VERSION).secretPaths).toEqual(["secretString"]);
    expect(secretDocument(run(), "redis-auth")).toMatchObject({ authToken: token.state.result, tls: true, port: 6379 });
  });

  it("versions, encrypts and closes both buckets, and accepts only TLS 1.2+", () => {
    for (const role of ["market-data", "access-logs"]) {
      const n = `object-storage-${role}`;
      const bucket = named(run(), n, "aws:s3/bucket:Bucket");
      expect(str(bucket, "bucket")).toBe(`entasis-${stack}-${role}-123456789012-ap-northeast-2`);
      expect(str(bucket, "bucket").length).toBeLessThanOrEqual(63);
      // Emptied on destroy only where nothing is protected (tests/teardown.test.ts).
      expect(bucket.inputs.forceDestroy).toBe(stack === "dev");
      expect(named(run(), n, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      expect(named(run(), n, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(named(run(), n, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      const policy = jsonInput(named(run(), n, "aws:s3/bucketPolicy:BucketPolicy"), "policy") as { Statement: Record<string, unknown>[] };
      expect(policy.Statement[0]).toEqual({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${str(bucket, "bucket")}`, `arn:aws:s3:::${str(bucket, "bucket")}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      expect(policy.Statement.filter((s) => s.Effect === "Allow").every((s) => s.Principal !== "*")).toBe(true);
    }
  });

  it("encrypts market data with a customer key and bucket keys; access logs with SSE-S3, the only kind ALB writes", () => {
    const sse = (role: string): unknown => named(run(), `object-storage-${role}`, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules;
    expect(sse("market-data")).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN("object-storage-market-data") }, bucketKeyEnabled: true, blockedEncryptionTypes: ["SSE-C"] }]);
    expect(sse("access-logs")).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }]);
  });

  it("lets only the Seoul ELB log-delivery account write, and only under the ALB prefix of this account", () => {
    const bucket = str(named(run(), "object-storage-access-logs", "aws:s3/bucket:Bucket"), "bucket");
    const policy = jsonInput(named(run(), "object-storage-access-logs", "aws:s3/bucketPolicy:BucketPolicy"), "policy") as { Statement: Record<string, unknown>[] };
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([
      { Sid: "AlbLogDelivery", Effect: "Allow", Principal: { AWS: "arn:aws:iam::600734575887:root" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/alb/AWSLogs/123456789012/*` },
    ]);
  });

  it("applies the configured lifecycle rules after versioning is on", () => {
    const lc = named(run(), "object-storage-market-data", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    expect(lc.inputs.rules).toEqual([
      {
        id: "tiering-and-expiry",
        status: "Enabled",
        filter: {},
        transitions: stack === "prod" ? [{ days: 90, storageClass: "STANDARD_IA" }, { days: 365, storageClass: "GLACIER_IR" }] : [],
        noncurrentVersionExpiration: { noncurrentDays: stack === "prod" ? 90 : 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ]);
    expect(lc.dependencies).toContain(named(run(), "object-storage-market-data", "aws:s3/bucketVersioning:BucketVersioning").urn);
    const logs = named(run(), "object-storage-access-logs", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { expiration: unknown }[];
    expect(logs[0].expiration).toEqual({ days: stack === "prod" ? 400 : 30 });
  });

  it("tags the primary, Redis and the buckets for backup selection, and not the replicas", () => {
    const tagged = run().resources.filter((r) => tagsOf(r).backup === "true").map((r) => r.name).sort();
    // The processing and AI areas' buckets are backed up too (tests/processing.test.ts, tests/ai.test.ts),
    // and the load-test run summaries where load testing is on (dev by default; tests/load-test.test.ts).
    // Prod's CloudTrail log bucket too (entasis:audit.provider platform; tests/audit-trail.test.ts).
    const loadTest = stack === "dev" ? ["load-test-runs"] : [];
    const audit = stack === "prod" ? ["audit-bucket"] : [];
    expect(tagged).toEqual([...audit, "ai-store-ml-artifacts", "ai-store-models", "flink-state", ...loadTest, "object-storage-access-logs", "object-storage-market-data", "postgres-primary", "redis-group", "spark-event-logs"].sort());
  });

  it("gives every consumer a secret with its connection details and no password", () => {
    for (const [consumer, username] of [["trading-api", "trading_api"], ["analytics", "analytics"]]) {
      const secret = named(run(), `connection-secrets-${consumer}`, SECRET);
      expect(secret.inputs).toMatchObject({ name: `entasis-${stack}/postgres/${consumer}`, kmsKeyId: KEY_ARN("data-secrets"), recoveryWindowInDays: stack === "prod" ? 30 : 0 });
      expect(componentOf(run(), secret)).toBe("entasis:data:ConnectionSecrets");
      const doc = secretDocument(run(), `connection-secrets-${consumer}`);
      expect(doc).toEqual({
        engine: "postgres",
        host: `entasis-${stack}-postgres.c0ffee123456.ap-northeast-2.rds.amazonaws.com`,
        port: 5432,
        dbname: "entasis",
        username,
        readerHost: `entasis-${stack}-postgres${stack === "prod" ? "-reporting" : ""}.c0ffee123456.ap-northeast-2.rds.amazonaws.com`,
        ...(exp.proxy ? { proxyHost: "entasis-prod-postgres-proxy.proxy-c0ffee123456.ap-northeast-2.rds.amazonaws.com" } : {}),
        auth: "iam",
        sslmode: "verify-full",
        redisHost: `master.entasis-${stack}-redis.abc123.apn2.cache.amazonaws.com`,
        redisReaderHost: `replica.entasis-${stack}-redis.abc123.apn2.cache.amazonaws.com`,
        redisPort: 6379,
        redisAuthSecretArn: named(run(), "redis-auth", SECRET).state.arn,
      });
    }
  });

  it("exports endpoints, bucket names and secret ARNs, and no credential", () => {
    const out = run().outputs;
    expect(out.database).toMatchObject({
      writerEndpoint: `entasis-${stack}-postgres.c0ffee123456.ap-northeast-2.rds.amazonaws.com`,
      port: 5432,
      masterSecretArn: named(run(), "postgres-master", SECRET).state.arn,
      consumerSecretArns: { "trading-api": named(run(), "connection-secrets-trading-api", SECRET).state.arn, analytics: named(run(), "connection-secrets-analytics", SECRET).state.arn },
    });
    expect((out.database as Record<string, unknown>).proxyEndpoint !== null).toBe(exp.proxy);
    expect(out.redis).toMatchObject({ primaryEndpoint: `master.entasis-${stack}-redis.abc123.apn2.cache.amazonaws.com`, authSecretArn: named(run(), "redis-auth", SECRET).state.arn });
    expect(out.buckets).toEqual({ marketData: `entasis-${stack}-market-data-123456789012-ap-northeast-2`, accessLogs: `entasis-${stack}-access-logs-123456789012-ap-northeast-2` });
    const text = JSON.stringify(out);
    for (const p of ofType(run(), "random:index/randomPassword:RandomPassword")) expect(text).not.toContain(String(p.state.result));
    expect(text).not.toMatch(/password|authToken/i);
    // Data outputs hold no secret at all (credentials live in Secrets Manager); other areas' secret
    // outputs (the kubeconfig) are checked by the outputs contract.
    expect(run().secretOutputs.filter((path) => ["database", "redis", "buckets"].includes(path.split(".")[0]))).toEqual([]);
  });

  it("parents every data resource under a data component", () => {
    // Databases, caches and their secrets and keys: other areas own their own buckets and passwords,
    // and the backup area owns the cross-region replication of the RDS backups.
    const dataTypes = ["aws:rds/", "aws:elasticache/replicationGroup"];
    const dataNames = /^(postgres|redis|object-storage|connection-secrets|data-secrets)-/;
    const networkOwned = new Set(["aws:rds/subnetGroup:SubnetGroup"]);
    const dataResources = run().resources.filter((x) => x.custom && ((dataTypes.some((t) => x.type.startsWith(t)) && !networkOwned.has(x.type)) || dataNames.test(x.name)));
    expect(dataResources.length).toBeGreaterThan(20);
    for (const r of dataResources) expect({ name: r.name, component: componentOf(run(), r) }).toEqual({ name: r.name, component: expect.stringMatching(/^entasis:(data|security):|^entasis:backup:(ClusterBackup|DisasterRecovery)$/) });
  });
});
