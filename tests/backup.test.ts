import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { BACKUP_COVERAGE, backupExemption } from "../components/backup/coverage";
import { BACKUP_ROLE_POLICIES } from "../components/backup/backupPolicy";
import { BACKUP_TAG } from "../components/tags";
import { AWS_BACKUP_CONTINUOUS_MAX_DAYS, awsCronProblem } from "../lib/backupSchedule";
import { CHARTS, VELERO_AWS_PLUGIN_IMAGE } from "../lib/helmCharts";
import { deepMerge } from "../lib/merge";
import { STATEFUL_TYPES } from "../tools/contract/stateful";
import { selectionOf } from "../tools/insights/failureDomains";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { CHARTS_DIR, sharedCharts } from "../tools/offline/sharedCharts";
import { jsonInput, named, ofType, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";

const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";
const VAULT = "aws:backup/vault:Vault";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const REGION_SETTINGS = "aws:backup/regionSettings:RegionSettings";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const BUCKET = "aws:s3/bucket:Bucket";

interface Rule {
  ruleName: string;
  schedule: string;
  scheduleExpressionTimezone: string;
  startWindow: number;
  completionWindow: number;
  enableContinuousBackup?: boolean;
  lifecycle: { deleteAfter: number; coldStorageAfter?: number };
  targetVaultName: string;
}

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
  // Two full program runs; generous for loaded CI machines.
}, 300_000);

function rulesOf(plan: RecordedResource): Rule[] {
  return plan.inputs.rules as Rule[];
}

function record(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

/** The daily hour in Seoul: the spec's 01:00 in prod; dev backs up at 19:00, awake (entasis:sleep). */
const DAILY_HOUR = { dev: 19, prod: 1 } as const;

describe.each(["dev", "prod"] as const)("backup policy of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const h = DAILY_HOUR[stack];
  const plan = (): RecordedResource => named(run(), "backup-plan", PLAN);

  it("implements the spec's four tiers exactly: hourly kept 1 day (24 points), daily at the stack's hour (prod 01:00 Korea time) kept 7 days, weekly kept 4 weeks, monthly kept 12 months", () => {
    // The hourly tier is a plan of its own (RDS only); the other three cover every selected resource.
    const rules = [...rulesOf(named(run(), "backup-hourly", PLAN)), ...rulesOf(plan())];
    expect(rulesOf(plan()).map((r) => r.ruleName)).toEqual(["daily", "weekly", "monthly"]);
    expect(rules.map((r) => [r.ruleName, r.schedule, r.scheduleExpressionTimezone, r.lifecycle.deleteAfter])).toEqual([
      ["hourly", "cron(0 * ? * * *)", "Asia/Seoul", 1],
      ["daily", `cron(0 ${h} * * ? *)`, "Asia/Seoul", 7],
      ["weekly", `cron(0 ${h} ? * SUN *)`, "Asia/Seoul", 28],
      ["monthly", `cron(0 ${h} 1 * ? *)`, "Asia/Seoul", 365],
    ]);
    for (const r of rules) {
      expect(awsCronProblem(r.schedule)).toBeUndefined();
      // AWS Backup: a start window, when given, is at least 60 minutes; the job must be able to finish after it starts.
      expect(r.startWindow).toBeGreaterThanOrEqual(60);
      expect(r.completionWindow).toBeGreaterThan(r.startWindow);
      // Snapshots, not continuous backups; no cold storage (it would need deleteAfter >= coldStorageAfter + 90).
      expect(r.enableContinuousBackup).toBeUndefined();
      expect(r.lifecycle.coldStorageAfter).toBeUndefined();
      expect(r.targetVaultName).toBe(`entasis-${stack}-vault`);
    }
  });

  it("keeps point-in-time restore for the tagged S3 buckets in a plan of its own, as long as daily points and within the 35-day limit", () => {
    const [rule] = rulesOf(named(run(), "backup-pitr", PLAN));
    expect(rule).toMatchObject({ enableContinuousBackup: true, schedule: `cron(0 ${h} * * ? *)`, lifecycle: { deleteAfter: 7 } });
    expect(rule.lifecycle.deleteAfter).toBeLessThanOrEqual(AWS_BACKUP_CONTINUOUS_MAX_DAYS);
    const selection = named(run(), "backup-pitr-s3", SELECTION);
    expect(selection.inputs.resources).toEqual(["arn:aws:s3:::*"]);
    expect(selection.inputs.conditions).toEqual([{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "true" }, { key: "aws:ResourceTag/Stack", value: stack }] }]);
  });

  it("scopes every selection to this stack (conditions are ANDed: backup=true and Stack=<stack>), so dev and prod in one account never back up each other", () => {
    const selections = ofType(run(), SELECTION);
    expect(selections.map((x) => x.name).sort()).toEqual(["backup-hourly-rds", "backup-pitr-s3", "backup-tagged"]);
    for (const sel of selections) {
      expect(sel.inputs.selectionTags).toBeUndefined();
      expect(sel.inputs.conditions).toEqual([{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "true" }, { key: "aws:ResourceTag/Stack", value: stack }] }]);
    }
    // The hourly tier takes only the relational database; checkpoint, log and model buckets get daily and longer points.
    expect(named(run(), "backup-hourly-rds", SELECTION).inputs).toMatchObject({ planId: "backup-hourly-id", resources: ["arn:aws:rds:*:*:db:*"] });
    const other = stack === "dev" ? "prod" : "dev";
    const foreign = runs[other].resources.filter((r) => r.custom && (r.inputs.tags as Record<string, string> | undefined)?.backup === "true");
    expect(foreign.length).toBeGreaterThan(0);
    const selects = (r: RecordedResource): boolean => selectionOf(named(run(), "backup-tagged", SELECTION)).selects(r);
    expect(foreign.filter(selects)).toEqual([]);
    expect(run().resources.filter((r) => r.custom && (r.inputs.tags as Record<string, string> | undefined)?.backup === "true").every(selects)).toBe(true);
  });

  it("relies on RDS's own point-in-time restore, kept at least as long as daily points", () => {
    const primary = named(run(), "postgres-primary", "aws:rds/instance:Instance");
    expect(primary.inputs.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
  });

  it("selects every resource tagged backup=true, with a role AWS Backup assumes that has the managed backup and restore policies (S3 included)", () => {
    const selection = named(run(), "backup-tagged", SELECTION);
    expect(selection.inputs.resources).toEqual(["*"]);
    const role = named(run(), "backup-role", "aws:iam/role:Role");
    expect(selection.inputs.iamRoleArn).toBe(role.state.arn);
    expect(jsonInput(role, "assumeRolePolicy")).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } } }] });
    const attached = ofType(run(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.inputs.role === role.state.name)
      .map((a) => a.inputs.policyArn)
      .sort();
    expect(attached).toEqual(BACKUP_ROLE_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`).sort());
    expect(attached).toContain("arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup");
  });

  it("encrypts the vault with its own customer-managed, rotating KMS key", () => {
    const vault = named(run(), "backup-vault", VAULT);
    const key = named(run(), "backup-vault-key", "aws:kms/key:Key");
    expect(vault.inputs).toMatchObject({ name: `entasis-${stack}-vault`, kmsKeyArn: key.state.arn, forceDestroy: stack === "dev" });
    expect(String(vault.inputs.name)).toMatch(/^[A-Za-z0-9_-]{2,50}$/);
    expect(vault.protect).toBe(stack === "prod");
    expect(key.inputs.enableKeyRotation).toBe(true);
  });
});

describe("environment differences", () => {
  it("locks the prod vault in compliance mode (3-day window) with bounds that accept every rule's points; dev has no lock", () => {
    const [lock] = ofType(runs.prod, LOCK);
    expect(lock.inputs).toEqual({ backupVaultName: "entasis-prod-vault", minRetentionDays: 1, maxRetentionDays: 365, changeableForDays: 3 });
    for (const rule of [...rulesOf(named(runs.prod, "backup-plan", PLAN)), ...rulesOf(named(runs.prod, "backup-hourly", PLAN))]) {
      expect(rule.lifecycle.deleteAfter).toBeGreaterThanOrEqual(1);
      expect(rule.lifecycle.deleteAfter).toBeLessThanOrEqual(365);
    }
    expect(ofType(runs.dev, LOCK)).toEqual([]);
  });

  it("opts RDS, EBS and S3 into AWS Backup from prod only (account-region-wide, one owner)", () => {
    expect(ofType(runs.prod, REGION_SETTINGS).map((r) => r.inputs.resourceTypeOptInPreference)).toEqual([{ RDS: true, EBS: true, S3: true }]);
    expect(ofType(runs.dev, REGION_SETTINGS)).toEqual([]);
  });
});

describe.each(["dev", "prod"] as const)("stateful resources of %s", (stack) => {
  const run = (): RunResult => runs[stack];

  it("every stateful type has a declared backup coverage", () => {
    // Data stores the program creates, whether or not STATEFUL_TYPES lists them yet.
    const DATA_STORE = /^aws:(rds|s3|efs|ebs|dynamodb|docdb|neptune|elasticache|fsx|redshift|opensearch|memorydb|mq)\/[A-Za-z0-9]+:(Instance|Cluster|Bucket|BucketV2|FileSystem|Volume|Table|ReplicationGroup|Domain|Broker)$/;
    const dataStores = run().resources.map((r) => r.type).filter((t) => DATA_STORE.test(t));
    expect(dataStores).toEqual(expect.arrayContaining(["aws:rds/instance:Instance", "aws:s3/bucket:Bucket", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:mq/broker:Broker"]));
    const uncovered = [...new Set([...STATEFUL_TYPES, ...dataStores])].filter((t) => !(t in BACKUP_COVERAGE));
    expect(uncovered).toEqual([]);
  });

  it("every resource of an AWS Backup type carries backup=true, or is exempt for a stated reason", () => {
    const awsBackupTypes = Object.entries(BACKUP_COVERAGE).filter(([, c]) => c.by === "aws-backup").map(([t]) => t);
    const resources = run().resources.filter((r) => awsBackupTypes.includes(r.type));
    expect(resources.length).toBeGreaterThan(0);
    const untagged = resources.filter((r) => tagsOf(r).backup !== BACKUP_TAG.backup && backupExemption(r) === undefined).map((r) => `${r.type} ${r.name}`);
    expect(untagged).toEqual([]);
    // The data stores themselves are in: the primary database, both data buckets, the processing
    // buckets (Spark event logs, Flink state), the AI area's model and artifact buckets, where
    // load testing is on (dev by default) the load-test run summaries, and (prod,
    // entasis:audit.provider platform) the CloudTrail log bucket.
    const tagged = resources.filter((r) => tagsOf(r).backup === "true").map((r) => r.name).sort();
    const loadTest = stack === "dev" ? ["load-test-runs"] : [];
    const audit = stack === "prod" ? ["audit-bucket"] : [];
    expect(tagged).toEqual([...audit, "ai-store-ml-artifacts", "ai-store-models", "flink-state", ...loadTest, "object-storage-access-logs", "object-storage-market-data", "postgres-primary", "spark-event-logs"].sort());
  });

  it("exempts only read replicas, Velero's own bucket, the time-series backup bucket and the DR copies", () => {
    const exempt = run().resources.filter((r) => backupExemption(r) !== undefined).map((r) => r.name).sort();
    const buckets = ["cluster-backup-cluster-backups", "timeseries-backup-timeseries-backups"];
    // prod also holds the DR copies, exempt as cross-region copies themselves.
    expect(exempt).toEqual(stack === "prod" ? [...buckets, "disaster-recovery-cluster-backups", "disaster-recovery-market-data", "disaster-recovery-timeseries-backups", "postgres-replica-reporting"].sort() : buckets);
  });

  it("tags every EBS volume the CSI driver creates for backup (persistent volumes of any StorageClass)", () => {
    const addon = named(run(), "cluster-aws-ebs-csi-driver", "aws:eks/addon:Addon");
    const cfg = JSON.parse(String(addon.inputs.configurationValues)) as { controller: { extraVolumeTags: Record<string, string> } };
    expect(cfg.controller.extraVolumeTags).toMatchObject({ backup: "true", Project: "entasis", Environment: stack });
  });

  it("covers Redis with its own snapshots (AWS Backup has no ElastiCache support)", () => {
    const [redis] = ofType(run(), "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(redis.inputs.snapshotRetentionLimit).toBeGreaterThan(0);
  });
});

describe.each(["dev", "prod"] as const)("Velero cluster backups of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const release = (): RecordedResource => named(run(), "cluster-backup-velero", RELEASE);
  const values = (): Record<string, unknown> => record(release().inputs.values);
  const bucket = (): RecordedResource => named(run(), "cluster-backup-cluster-backups", BUCKET);

  it("writes to a dedicated bucket in the stack's region: versioned, SSE-KMS with its own key and a bucket key, private, TLS only, no ACLs", () => {
    expect(bucket().inputs.bucket).toBe(`entasis-${stack}-cluster-backups-123456789012-ap-northeast-2`);
    expect(bucket().protect).toBe(stack === "prod");
    const n = "cluster-backup-cluster-backups";
    const key = named(run(), "cluster-backup-bucket-key", "aws:kms/key:Key");
    expect(named(run(), n, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn }, bucketKeyEnabled: true, blockedEncryptionTypes: ["SSE-C"] },
    ]);
    expect(named(run(), n, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(named(run(), n, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(named(run(), n, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const policy = jsonInput(named(run(), n, "aws:s3/bucketPolicy:BucketPolicy"), "policy") as { Statement: { Sid: string; Effect: string; Condition: unknown }[] };
    expect(policy.Statement.find((s) => s.Sid === "DenyInsecureTransport")).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("installs the pinned chart with the AWS plugin, IRSA instead of a static key, and the bucket as default location", () => {
    expect(release().inputs).toMatchObject({ chart: "velero", version: CHARTS.velero.version, namespace: "velero", repositoryOpts: { repo: CHARTS.velero.repo } });
    const v = values();
    expect(v.initContainers).toEqual([{ name: "velero-plugin-for-aws", image: VELERO_AWS_PLUGIN_IMAGE, imagePullPolicy: "IfNotPresent", volumeMounts: [{ mountPath: "/target", name: "plugins" }] }]);
    expect(v.credentials).toEqual({ useSecret: false });
    expect(v.configuration).toEqual({
      backupStorageLocation: [{ name: "default", provider: "aws", bucket: bucket().state.bucket, prefix: "velero", default: true, config: { region: "ap-northeast-2" } }],
      volumeSnapshotLocation: [{ name: "default", provider: "aws", config: { region: "ap-northeast-2" } }],
    });
    const role = named(run(), "cluster-backup-velero-role", "aws:iam/role:Role");
    expect(record(record(v.serviceAccount).server)).toMatchObject({ name: "velero", annotations: { "eks.amazonaws.com/role-arn": role.state.arn } });
    const trust = jsonInput(role, "assumeRolePolicy") as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:velero:velero");
    const policy = jsonInput(named(run(), "cluster-backup-velero-velero", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Sid: string; Resource: unknown }[] };
    expect(policy.Statement.find((s) => s.Sid === "BackupObjects")?.Resource).toBe(`${String(bucket().state.arn)}/*`);
    expect(v.nodeSelector).toEqual({ role: "general" });
  });

  it("backs up daily at the stack's hour (prod 01:00 Korea time, dev 19:00) and keeps each backup as long as the daily tier (7 days = 168h)", () => {
    expect(values().schedules).toEqual({
      daily: {
        disabled: false,
        schedule: `CRON_TZ=Asia/Seoul 0 ${DAILY_HOUR[stack]} * * *`,
        useOwnerReferencesInBackup: false,
        template: { ttl: "168h0m0s", storageLocation: "default", includedNamespaces: ["*"], snapshotVolumes: true },
      },
    });
  });

  it("sets values the chart's values.schema.json accepts (merged over the chart's defaults, as Helm validates them)", () => {
    const chart = sharedCharts().find((c) => c.name === "velero" && c.version === CHARTS.velero.version);
    if (!chart) throw new Error(`velero ${CHARTS.velero.version} is not in ${CHARTS_DIR}`);
    const schema = JSON.parse(fs.readFileSync(path.join(chart.dir, "values.schema.json"), "utf8")) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(deepMerge(chart.values, values()));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // And the schema is not vacuous: a location without a bucket is rejected.
    expect(validate(deepMerge(chart.values, { configuration: { backupStorageLocation: [{ provider: "aws" }] } }))).toBe(false);
  });

  it("requests CPU and memory and caps memory, runs as non-root without privilege escalation", () => {
    const v = values();
    expect(v.resources).toEqual({ requests: { cpu: "500m", memory: "128Mi" }, limits: { cpu: "1000m", memory: "512Mi" } });
    expect(v.podSecurityContext).toMatchObject({ runAsNonRoot: true });
    expect(v.containerSecurityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });
});

describe("stack outputs", () => {
  it.each(["dev", "prod"] as const)("%s exports the vault and the Velero bucket", (stack) => {
    const run = runs[stack];
    expect(run.outputs.backupVaultName).toBe(`entasis-${stack}-vault`);
    expect(run.outputs.backupVaultArn).toBe(named(run, "backup-vault", VAULT).state.arn);
    expect(run.outputs.veleroBucket).toBe(`entasis-${stack}-cluster-backups-123456789012-ap-northeast-2`);
  });
});
