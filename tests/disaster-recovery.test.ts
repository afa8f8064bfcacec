import { BACKUP_COVERAGE, CROSS_REGION_COVERAGE, backupExemption, isDrBucket } from "../components/backup/coverage";
import { DR_COPIED_TIERS } from "../components/backup/backupPolicy";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { byUrn, jsonInput, named, ofType, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";
import { validateWith, withField } from "./support/config";

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
}, 300_000);

const DR = "ap-northeast-1";
const ACCOUNT = "123456789012";
const PROVIDER = "pulumi:providers:aws";
const BUCKET = "aws:s3/bucket:Bucket";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const RDS_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const statements = (r: RecordedResource, key: string): Statement[] => (jsonInput(r, key) as { Statement: Statement[] }).Statement;
const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** The region a resource is created in: its explicit provider's, else the stack's. */
function regionOf(run: RunResult, r: RecordedResource): string {
  const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
  const provider = run.resources.find((x) => x.urn === providerUrn && x.type === PROVIDER);
  return typeof provider?.inputs.region === "string" ? provider.inputs.region : "ap-northeast-2";
}

describe("prod's disaster-recovery region", () => {
  const run = (): RunResult => runs.prod;

  it("is one explicit provider for ap-northeast-1, created in the composition", () => {
    const providers = ofType(run(), PROVIDER).filter((p) => p.inputs.region !== undefined);
    expect(providers.map((p) => [p.name, p.inputs.region])).toEqual([["dr-region", DR]]);
    expect(byUrn(run(), providers[0].parent)?.type).toBe("pulumi:pulumi:Stack");
  });

  it("holds an AWS Backup vault with its own customer key there, locked like the primary", () => {
    const vault = named(run(), "backup-dr-vault", "aws:backup/vault:Vault");
    const key = named(run(), "backup-dr-vault-key", "aws:kms/key:Key");
    expect(regionOf(run(), vault)).toBe(DR);
    expect(regionOf(run(), key)).toBe(DR);
    expect(vault.inputs.kmsKeyArn).toBe(`arn:aws:kms:${DR}:${ACCOUNT}:key/backup-dr-vault-key-key-id`);
    expect(vault.inputs.kmsKeyArn).not.toBe(named(run(), "backup-vault", "aws:backup/vault:Vault").inputs.kmsKeyArn);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(vault.protect).toBe(true);
    expect(tagsOf(vault).Name).toBe("entasis-prod-vault-dr");
    const lock = named(run(), "backup-dr-vault-lock", "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
    expect(regionOf(run(), lock)).toBe(DR);
    expect(lock.inputs).toMatchObject({ backupVaultName: "entasis-prod-vault-dr", minRetentionDays: 7, maxRetentionDays: 365 });
    // Compliance mode after its 3-day window, like the primary (tests/backup-immutability.test.ts).
    expect(lock.inputs.changeableForDays).toBe(3);
  });

  it("copies the daily, weekly and monthly points there with the same retention; hourly points stay local", () => {
    const rules = named(run(), "backup-plan", "aws:backup/plan:Plan").inputs.rules as { ruleName: string; lifecycle: { deleteAfter: number }; copyActions?: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[] }[];
    const drVaultArn = `arn:aws:backup:${DR}:${ACCOUNT}:entasis-prod-vault-dr`;
    expect((named(run(), "backup-hourly", "aws:backup/plan:Plan").inputs.rules as { ruleName: string; copyActions?: unknown }[]).map((r) => [r.ruleName, r.copyActions])).toEqual([["hourly", undefined]]);
    expect(rules.map((r) => [r.ruleName, r.copyActions?.map((c) => [c.destinationVaultArn, c.lifecycle.deleteAfter]) ?? []])).toEqual([
      ["daily", [[drVaultArn, 7]]],
      ["weekly", [[drVaultArn, 28]]],
      ["monthly", [[drVaultArn, 365]]],
    ]);
    expect(DR_COPIED_TIERS).toEqual(["daily", "weekly", "monthly"]);
    for (const r of rules) for (const c of r.copyActions ?? []) expect(c.lifecycle.deleteAfter).toBe(r.lifecycle.deleteAfter);
  });

  it("lets the backup role use both vault keys for the copy (grants only for AWS resources) and copy into the DR vault only", () => {
    const roleArn = named(run(), "backup-role", "aws:iam/role:Role").state.arn;
    for (const keyName of ["backup-vault-key", "backup-dr-vault-key"]) {
      const forRole = statements(named(run(), keyName, "aws:kms/key:Key"), "policy").filter((s) => s.Principal?.AWS === roleArn);
      expect(forRole.map((s) => [list(s.Action).sort(), s.Condition ?? null])).toEqual([
        [["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"], null],
        [["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], { Bool: { "kms:GrantIsForAWSResource": "true" } }],
      ]);
    }
    const inline = statements(named(run(), "backup-cross-region-copy", "aws:iam/rolePolicy:RolePolicy"), "policy");
    expect(inline.find((s) => s.Sid === "CopyIntoDrVault")).toMatchObject({ Action: "backup:CopyIntoBackupVault", Resource: `arn:aws:backup:${DR}:${ACCOUNT}:entasis-prod-vault-dr` });
    for (const s of inline.filter((x) => list(x.Action).some((a) => a.startsWith("kms:")))) {
      expect(list(s.Resource)).toEqual([`arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/backup-vault-key-key-id`, `arn:aws:kms:${DR}:${ACCOUNT}:key/backup-dr-vault-key-key-id`]);
    }
  });

  it("replicates the PostgreSQL primary's automated backups there, with a key of that region and the configured retention", () => {
    const [replication] = ofType(run(), RDS_REPLICATION);
    const primary = named(run(), "postgres-primary", "aws:rds/instance:Instance");
    expect(regionOf(run(), replication)).toBe(DR);
    expect(replication.inputs).toEqual({
      sourceDbInstanceArn: primary.state.arn,
      kmsKeyId: `arn:aws:kms:${DR}:${ACCOUNT}:key/disaster-recovery-postgres-key-key-id`,
      retentionPeriod: primary.inputs.backupRetentionPeriod,
    });
    expect(replication.inputs.retentionPeriod).toBe(30);
    expect(replication.propertyDependencies.sourceDbInstanceArn).toContain(primary.urn);
    expect(ofType(run(), RDS_REPLICATION)).toHaveLength(1);
  });

  describe.each(["market-data", "cluster-backups"])("S3 replication of the %s bucket", (role) => {
    const source = (): RecordedResource => run().resources.find((r) => r.type === BUCKET && r.name.endsWith(`-${role}`) && !r.name.startsWith("disaster-recovery"))!;
    const copy = (): RecordedResource => named(run(), `disaster-recovery-${role}`, BUCKET);

    it("goes to a DR bucket in ap-northeast-1 with its own key, versioning, every public-access block and a TLS-only policy", () => {
      expect(regionOf(run(), copy())).toBe(DR);
      expect(copy().inputs.bucket).toBe(`entasis-prod-${role}-dr-${ACCOUNT}-${DR}`);
      expect(isDrBucket(copy())).toBe(true);
      for (const type of ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketPolicy:BucketPolicy"]) {
        expect(regionOf(run(), named(run(), `disaster-recovery-${role}`, type))).toBe(DR);
      }
      expect(named(run(), `disaster-recovery-${role}`, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      expect(named(run(), `disaster-recovery-${role}`, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      const sse = named(run(), `disaster-recovery-${role}`, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string } }[];
      expect(sse[0].applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:${DR}:${ACCOUNT}:key/disaster-recovery-${role}-key-key-id` });
      const policy = statements(named(run(), `disaster-recovery-${role}`, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
      expect(policy.some((s) => s.Effect === "Deny" && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { "aws:SecureTransport": "false" } }))).toBe(true);
      expect(copy().protect).toBe(true);
    });

    it("replicates SSE-KMS objects re-encrypted with the DR key, keeps delete markers behind, and waits for versioning on both ends", () => {
      const config = named(run(), `disaster-recovery-${role}`, REPLICATION);
      expect(regionOf(run(), config)).toBe("ap-northeast-2");
      expect(config.inputs.bucket).toBe(source().state.id ?? `${source().name}-id`);
      expect(config.inputs.role).toBe(named(run(), "disaster-recovery-s3-replication", "aws:iam/role:Role").state.arn);
      expect(config.inputs.rules).toEqual([
        {
          id: `${role}-to-${DR}`,
          status: "Enabled",
          priority: 1,
          filter: {},
          deleteMarkerReplication: { status: "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: { bucket: copy().state.arn, storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: `arn:aws:kms:${DR}:${ACCOUNT}:key/disaster-recovery-${role}-key-key-id` } },
        },
      ]);
      const versionings = ofType(run(), "aws:s3/bucketVersioning:BucketVersioning").filter((v) => v.propertyDependencies.bucket?.includes(source().urn) || v.propertyDependencies.bucket?.includes(copy().urn));
      expect(versionings).toHaveLength(2);
      for (const v of versionings) expect(config.dependencies).toContain(v.urn);
    });
  });

  it("limits the replication role to those buckets and their keys", () => {
    const policy = statements(named(run(), "disaster-recovery-s3-replication", "aws:iam/rolePolicy:RolePolicy"), "policy");
    const arnOf = (name: string): string => String(named(run(), name, BUCKET).state.arn);
    const sources = [arnOf("object-storage-market-data"), arnOf("cluster-backup-cluster-backups"), arnOf("timeseries-backup-timeseries-backups")];
    const copies = [arnOf("disaster-recovery-market-data"), arnOf("disaster-recovery-cluster-backups"), arnOf("disaster-recovery-timeseries-backups")];
    const bySid = Object.fromEntries(policy.map((s) => [s.Sid, s]));
    expect(list(bySid.ReadSourceConfiguration.Resource)).toEqual(sources);
    expect(list(bySid.ReadSourceVersions.Resource)).toEqual(sources.map((a) => `${a}/*`));
    expect(list(bySid.WriteReplicas.Resource)).toEqual(copies.map((a) => `${a}/*`));
    expect(list(bySid.WriteReplicas.Action)).toEqual(["s3:ReplicateObject", "s3:ReplicateTags"]);
    expect(list(bySid.DecryptSources.Resource)).toEqual([
      `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/object-storage-market-data-key-key-id`,
      `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/cluster-backup-bucket-key-key-id`,
      `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/timeseries-backup-bucket-key-key-id`,
    ]);
    expect(list(bySid.EncryptReplicas.Resource)).toEqual([
      `arn:aws:kms:${DR}:${ACCOUNT}:key/disaster-recovery-market-data-key-key-id`,
      `arn:aws:kms:${DR}:${ACCOUNT}:key/disaster-recovery-cluster-backups-key-key-id`,
      `arn:aws:kms:${DR}:${ACCOUNT}:key/disaster-recovery-timeseries-backups-key-key-id`,
    ]);
    expect(policy.every((s) => list(s.Resource).every((r) => r !== "*"))).toBe(true);
    expect(jsonInput(named(run(), "disaster-recovery-s3-replication", "aws:iam/role:Role"), "assumeRolePolicy")).toMatchObject({ Statement: [{ Principal: { Service: "s3.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }] });
  });

  it("keeps the DR copy of Velero's backups for the weekly tier (delete markers are not replicated) and market data as long as its source", () => {
    const lc = (name: string): unknown => (named(run(), name, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { expiration?: unknown; transitions?: unknown }[])[0];
    expect(lc("disaster-recovery-cluster-backups")).toMatchObject({ expiration: { days: 28 } });
    const { id: _a, ...drMarket } = lc("disaster-recovery-market-data") as Record<string, unknown>;
    const { id: _b, ...srcMarket } = lc("object-storage-market-data") as Record<string, unknown>;
    expect(drMarket).toEqual(srcMarket);
  });
});

describe("cross-region coverage (components/backup/coverage.ts)", () => {
  it("states a cross-region copy, or why none, for every stateful type", () => {
    expect(Object.keys(CROSS_REGION_COVERAGE).sort()).toEqual(Object.keys(BACKUP_COVERAGE).sort());
    expect(CROSS_REGION_COVERAGE["aws:elasticache/replicationGroup:ReplicationGroup"]).toMatchObject({ by: "none", why: expect.stringContaining("cache") });
  });

  it("holds in prod: every claimed copy exists for every resource of the type", () => {
    const run = runs.prod;
    for (const r of run.resources.filter((x) => x.custom && regionOf(run, x) === "ap-northeast-2")) {
      const claim = CROSS_REGION_COVERAGE[r.type];
      if (!claim || claim.by === "none") continue;
      if (claim.by === "rds-backup-replication") {
        if (typeof r.inputs.replicateSourceDb === "string") continue; // rebuilt from the restored primary
        expect(ofType(run, RDS_REPLICATION).some((x) => x.propertyDependencies.sourceDbInstanceArn?.includes(r.urn))).toBe(true);
      } else if (claim.by === "s3-replication" && r.type === "aws:s3/bucket:Bucket") {
        if (r.name.endsWith("-access-logs")) continue;
        // Replicated, or tagged into the backup plan whose daily, weekly and monthly rules copy to the DR vault.
        const replicated = ofType(run, REPLICATION).some((x) => x.propertyDependencies.bucket?.includes(r.urn));
        const inCopiedBackups = (r.inputs.tags as Record<string, string>).backup === "true";
        expect({ bucket: r.name, copied: replicated || inCopiedBackups }).toEqual({ bucket: r.name, copied: true });
      } else if (claim.by === "s3-replication" && r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") {
        expect(named(run, "disaster-recovery-timeseries-backups", REPLICATION)).toBeDefined();
      } else if (claim.by === "s3-replication") {
        expect(named(run, "disaster-recovery-cluster-backups", REPLICATION)).toBeDefined();
      } else if (claim.by === "aws-backup-copy") {
        const rules = named(run, "backup-plan", "aws:backup/plan:Plan").inputs.rules as { copyActions?: unknown[] }[];
        expect(rules.filter((x) => (x.copyActions ?? []).length > 0)).toHaveLength(3);
      }
    }
  });

  it("exempts the DR copies from the AWS Backup tag (they are the cross-region copies)", () => {
    expect(backupExemption(named(runs.prod, "disaster-recovery-market-data", BUCKET))).toContain("disaster-recovery copy");
    expect(backupExemption(named(runs.prod, "object-storage-market-data", BUCKET))).toBeUndefined();
  });
});

describe("dev without a DR region", () => {
  it("plans cleanly with nothing outside ap-northeast-2 and no copy actions", () => {
    const run = runs.dev;
    expect(run.error).toBeUndefined();
    expect(ofType(run, PROVIDER).filter((p) => p.inputs.region !== undefined)).toEqual([]);
    expect(run.resources.filter((r) => r.custom && regionOf(run, r) !== "ap-northeast-2")).toEqual([]);
    expect(ofType(run, RDS_REPLICATION)).toEqual([]);
    expect(ofType(run, REPLICATION)).toEqual([]);
    const rules = named(run, "backup-plan", "aws:backup/plan:Plan").inputs.rules as { copyActions?: unknown }[];
    expect(rules.every((r) => r.copyActions === undefined)).toBe(true);
  });
});

describe("entasis:backup.drRegion validation", () => {
  const backup = (stack: string, value: unknown) => validateWith(stack, (a) => ({ ...a, backup: withField(a.backup, ["drRegion"], value) }));

  it("is required in prod and optional in dev", () => {
    expect(backup("prod", undefined).messages).toEqual([
      "entasis:backup.drRegion (unset) is required in prod (without it every backup copy lives in ap-northeast-2 and a regional outage or a compromised account loses them all); use one of ap-northeast-1, ap-southeast-1",
    ]);
    expect(backup("dev", undefined).ok).toBe(true);
    expect(backup("dev", "ap-southeast-1").ok).toBe(true);
  });

  it("rejects the stack's own region and regions the RDS backup replication cannot reach", () => {
    expect(backup("prod", "ap-northeast-2").messages).toEqual(['entasis:backup.drRegion "ap-northeast-2" is the stack\'s own region, so the copies would share its failures; use one of ap-northeast-1, ap-southeast-1']);
    expect(backup("prod", "sa-east-1").messages).toEqual([
      'entasis:backup.drRegion "sa-east-1" is not a region every DR copy can reach from ap-northeast-2 (RDS cross-Region automated backups, AWS Backup cross-Region copy, S3 replication); use one of ap-northeast-1, ap-southeast-1',
    ]);
    expect(backup("prod", 42).messages).toEqual(["entasis:backup.drRegion 42 must be a string; set entasis:backup.drRegion to a string"]);
  });
});
