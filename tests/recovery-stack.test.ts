import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { OBJECT_STORE, SOURCE_CLUSTER, SOURCE_OBJECT_STORE } from "../components/timeseries/timeseriesCluster";
import { toRawStackConfig } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import { validateStackConfig } from "../stacks/schema/stack";
import { insightsOf } from "../tools/insights";
import { DURATIONS } from "../tools/insights/durations";
import { ResourceIndex } from "../tools/insights/model";
import { analyseTimeline } from "../tools/insights/timeline";
import { mmss } from "../tools/plan/format";
import { RecordedResource, RunResult, StackRunResult, attemptBootstrap, runStack } from "../tools/offline/harness";
import { RUNBOOK_VALUES, recoveryConfig, recoveryConfigPath } from "../tools/recovery/recoveryConfig";
import { RULES } from "../policy/rules";
import { schemaErrors } from "./support/k8sSchema";
import { evaluatePolicies, loadPolicyConfig } from "./support/policy";
import { TEST_SECRETS, byUrn, jsonInput, named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

/**
 * The ha-mode regional recovery (no standby; restore from the DR-region copies) as
 * docs/disaster-recovery.md runs it: the committed recovery config run through the real program.
 */
const LOST = "ap-northeast-2";
const DR = "ap-northeast-1";
const INSTANCE = "aws:rds/instance:Instance";
const CR = "kubernetes:postgresql.cnpg.io/v1:Cluster";
type Obj = Record<string, unknown>;

const runs: { prod?: StackRunResult; recovery?: StackRunResult; bootstrap?: RunResult } = {};
/** The key prod's replicated RDS backups are encrypted with (alias entasis-prod-postgres-dr, in Tokyo). */
let drKeyArn = "";

beforeAll(async () => {
  runs.prod = await stackRun("prod");
  drKeyArn = String(named(runs.prod, "disaster-recovery-postgres", "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication").inputs.kmsKeyId);
  // Runbook step 2: the key ARN read from Tokyo (`aws kms describe-key --key-id alias/entasis-prod-postgres-dr`).
  const committed = recoveryConfig("prod").config;
  const data = committed["entasis:data"] as { postgres: Obj };
  const withKey = { ...data, postgres: { ...data.postgres, restore: { ...(data.postgres.restore as Obj), kmsKeyArn: drKeyArn } } };
  runs.recovery = await runStack({ stack: "prod-dr", stackFile: recoveryConfigPath("prod"), secrets: TEST_SECRETS, overrides: { "entasis:data": withKey } });
  runs.bootstrap = await attemptBootstrap({ stack: "prod-dr" });
}, 300_000);

const recovery = (): StackRunResult => {
  if (!runs.recovery) throw new Error("the recovery stack did not run");
  return runs.recovery;
};
const spec = (r: RecordedResource): Obj => r.inputs.spec as Obj;

describe("the recovery config (docs/recovery/Pulumi.prod-dr.yaml)", () => {
  it("is what tools/recovery generates from Pulumi.prod.yaml today (regenerate with tools/recovery/cli.ts when prod changes)", () => {
    expect(fs.readFileSync(recoveryConfigPath("prod"), "utf8")).toBe(recoveryConfig("prod").text);
  });

  it("lives outside the repository root and runs in the DR region with the DR-region bootstrap stack", () => {
    expect(path.dirname(recoveryConfigPath("prod"))).toBe(path.join(__dirname, "..", "docs", "recovery"));
    const c = recoveryConfig("prod");
    expect([c.stack, c.sourceRegion, c.region]).toEqual(["prod-dr", LOST, DR]);
    expect(c.config["entasis:deploy"]).toEqual({ bootstrapStack: "entasis/entasis-bootstrap/prod-dr" });
    expect(c.config["entasis:backup"]).toMatchObject({ drRegion: "ap-southeast-1" });
    expect(fs.existsSync(path.join(__dirname, "..", "bootstrap", "Pulumi.prod-dr.yaml"))).toBe(true);
  });

  it("keeps the runbook's step-2 values when regenerated, so the file recover-prod deploys passes the drift test of the workflow's test job, and nothing else", () => {
    // What `pulumi config set --config-file` leaves after step 2 (its own formatting), then `tools/recovery/cli.ts prod`.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recovery-"));
    const file = path.join(dir, "Pulumi.prod-dr.yaml");
    const set = {
      restore: { sourceAutomatedBackupsArn: `arn:aws:rds:${DR}:210987654321:auto-backup:ab-real`, kmsKeyArn: `arn:aws:kms:${DR}:210987654321:key/1111`, restoreTime: "2026-12-01T09:30:00Z" },
      ts: { bucket: `entasis-prod-timeseries-backups-dr-210987654321-${DR}`, kmsKeyArn: `arn:aws:kms:${DR}:210987654321:key/2222`, serverName: "timeseries" },
      cert: `arn:aws:acm:${DR}:210987654321:certificate/3333`,
      slack: { secure: "v1:prod-dr-ciphertext" },
    };
    const edited = JSON.parse(JSON.stringify(recoveryConfig("prod").config)) as Obj;
    const at = (key: string): Obj => edited[key] as Obj;
    (at("entasis:data").postgres as Obj).restore = set.restore;
    at("entasis:timeseries").restore = set.ts;
    at("entasis:edge").certificateArn = set.cert;
    edited["entasis:slackWebhookUrl"] = set.slack;
    // A change outside the runbook's values is drift, never kept.
    at("entasis:network").cidr = "10.99.0.0/16";
    fs.writeFileSync(file, yaml.dump({ config: edited }, { indent: 4 }));
    const c = recoveryConfig("prod", undefined, file);
    expect(RUNBOOK_VALUES).toHaveLength(4);
    expect(((c.config["entasis:data"] as Obj).postgres as Obj).restore).toEqual(set.restore);
    expect((c.config["entasis:timeseries"] as Obj).restore).toEqual(set.ts);
    expect((c.config["entasis:edge"] as Obj).certificateArn).toBe(set.cert);
    expect(c.config["entasis:slackWebhookUrl"]).toEqual(set.slack);
    expect((c.config["entasis:network"] as Obj).cidr).toBe("10.40.0.0/16");
    // Regenerating the regenerated file changes nothing (the committed text is a fixed point).
    fs.writeFileSync(file, c.text);
    expect(recoveryConfig("prod", undefined, file).text).toBe(c.text);
    // A kept value still may not name the lost region.
    (at("entasis:data").postgres as Obj).restore = { ...set.restore, sourceAutomatedBackupsArn: `arn:aws:rds:${LOST}:210987654321:auto-backup:ab-real` };
    fs.writeFileSync(file, yaml.dump({ config: edited }));
    expect(() => recoveryConfig("prod", undefined, file)).toThrow(/still names ap-northeast-2 in entasis:data/);
    fs.rmSync(dir, { recursive: true });
  });

  it("leaves a multi-region source's failover pair out: the recovery stack stands alone", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recovery-"));
    const file = path.join(dir, "Pulumi.src.yaml");
    const prod = fs.readFileSync(path.join(__dirname, "..", "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(file, prod);
    expect(prod).toMatch(/^  entasis:mode: multi-region$/m);
    expect(prod).toMatch(/^  entasis:failover:$/m);
    const c = recoveryConfig("src", file);
    expect([c.config["entasis:mode"], c.config["entasis:failover"], c.stack]).toEqual(["ha-scaled", undefined, "src-dr"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("names nothing in the lost region, and neither does any resource the program declares from it", () => {
    expect(JSON.stringify(recoveryConfig("prod").config)).not.toContain(LOST);
    const touching = recovery().resources.filter((r) => JSON.stringify(r.inputs).includes(LOST)).map((r) => r.name);
    expect(recovery().resources.length).toBeGreaterThan(500);
    expect(touching).toEqual([]);
    // The runner VPC it peers with is the Tokyo bootstrap's (bootstrap/Pulumi.prod-dr.yaml), in the same region.
    const bootstrap = runs.bootstrap;
    if (!bootstrap || bootstrap.error !== undefined) throw new Error("the DR-region bootstrap did not run");
    expect(bootstrap.outputs.runnerCidr).toBe("10.252.0.0/22");
    const peerings = ofType(recovery(), "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
    expect(peerings.map((p) => [p.inputs.peerVpcId, p.inputs.peerRegion])).toEqual([[bootstrap.outputs.runnerVpcId, undefined]]);
    const bootstrapProviders = ofType(bootstrap, "pulumi:providers:aws").filter((p) => p.inputs.region !== undefined && p.inputs.region !== DR);
    expect(bootstrapProviders).toEqual([]);
    expect(recovery().error).toBeUndefined();
  });

  it("passes the policy pack with prod's policy config (no mandatory finding, every rule runs)", async () => {
    const report = await evaluatePolicies(RULES, recovery().resources, { config: loadPolicyConfig("prod") });
    expect(report.findings.filter((f) => f.level === "mandatory")).toEqual([]);
    expect(report.cannotRun).toEqual([]);
  });

  it("passes validation for a preview, and `pulumi up` refuses its placeholders until the runbook's values are set", () => {
    const c = recoveryConfig("prod");
    const all = Object.fromEntries(Object.entries(c.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const raw = toRawStackConfig(c.stack, all, { slackWebhookUrl: true });
    expect(validateStackConfig(raw).ok).toBe(true);
    const up = validateStackConfig({ ...raw, deploying: true });
    const messages = up.ok ? [] : up.problems.map(renderProblem);
    for (const key of ["entasis:data.postgres.restore.sourceAutomatedBackupsArn", "entasis:data.postgres.restore.kmsKeyArn", "entasis:timeseries.restore.kmsKeyArn", "entasis:edge.certificateArn"]) {
      expect(messages.filter((m) => m.startsWith(`${key} `))).toHaveLength(1);
    }
  });

  it("rejects restoring from the lost region's backups, an alias for the key, and the lost region's archive", () => {
    const c = recoveryConfig("prod");
    const data = c.config["entasis:data"] as { postgres: Obj };
    const ts = c.config["entasis:timeseries"] as Obj;
    const messagesOf = (pgRestore: Obj): string[] => {
      const bad = {
        ...c.config,
        "entasis:data": { ...data, postgres: { ...data.postgres, restore: pgRestore } },
        "entasis:timeseries": { ...ts, restore: { bucket: `entasis-prod-timeseries-backups-123456789012-${LOST}`, kmsKeyArn: `arn:aws:kms:${DR}:123456789012:key/k1` } },
      };
      const all = Object.fromEntries(Object.entries(bad).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
      const result = validateStackConfig(toRawStackConfig(c.stack, all, { slackWebhookUrl: true }));
      return result.ok ? [] : result.problems.map(renderProblem);
    };
    const lostRegion = messagesOf({ sourceAutomatedBackupsArn: `arn:aws:rds:${LOST}:123456789012:auto-backup:ab-x1`, kmsKeyArn: `arn:aws:kms:${LOST}:123456789012:key/k2` });
    expect(lostRegion.filter((m) => m.includes(`is in ${LOST}, not in this stack's region ${DR}`)).map((m) => m.split(" ")[0])).toEqual([
      "entasis:data.postgres.restore.sourceAutomatedBackupsArn",
      "entasis:data.postgres.restore.kmsKeyArn",
    ]);
    expect(lostRegion.filter((m) => m.startsWith("entasis:timeseries.restore.bucket ") && m.includes(`does not name a bucket of ${DR}`))).toHaveLength(1);
    const alias = messagesOf({ sourceAutomatedBackupsArn: `arn:aws:rds:${DR}:123456789012:auto-backup:ab-x1`, kmsKeyArn: `arn:aws:kms:${DR}:123456789012:alias/entasis-prod-postgres-dr` });
    expect(alias.filter((m) => m.startsWith("entasis:data.postgres.restore.kmsKeyArn ") && m.includes("is not a KMS key ARN"))).toHaveLength(1);
  });
});

describe("PostgreSQL: the program restores the database itself, so nothing is imported and nothing replaces it", () => {
  const primary = (): RecordedResource => named(recovery(), "postgres-primary", INSTANCE);

  it("is a point-in-time restore from prod's replicated backups, encrypted with the key those backups use", () => {
    const p = primary();
    expect(p.inputs.restoreToPointInTime).toEqual({ sourceDbInstanceAutomatedBackupsArn: `arn:aws:rds:${DR}:123456789012:auto-backup:ab-placeholder`, useLatestRestorableTime: true });
    // RDS keeps the backups' key on restore; prod's backup replication in Tokyo encrypts with this key.
    expect(drKeyArn).toBe(`arn:aws:kms:${DR}:123456789012:key/disaster-recovery-postgres-key-key-id`);
    expect(p.inputs.kmsKeyId).toBe(drKeyArn);
    expect(p.inputs.performanceInsightsKmsKeyId).toBe(drKeyArn);
    // No key of its own for the database: nothing else could be declared without a replacement.
    expect(recovery().resources.filter((r) => r.name === "postgres-storage-key")).toHaveLength(0);
  });

  it("is created inside the recovery stack's postgres component, in its own network: the parent exists in the same run", () => {
    const p = primary();
    const parent = byUrn(recovery(), p.parent);
    expect(parent?.type).toBe("entasis:data:Postgres");
    expect(parent?.name).toBe("postgres");
    expect(p.urn).toBe("urn:pulumi:prod-dr::entasis-infra::entasis:data:Postgres$aws:rds/instance:Instance::postgres-primary");
    expect(p.inputs.dbSubnetGroupName).toBe(named(recovery(), "network-db", "aws:rds/subnetGroup:SubnetGroup").state.name);
    expect(p.dependencies).toContain(named(recovery(), "network-db", "aws:rds/subnetGroup:SubnetGroup").urn);
    expect(p.protect).toBe(true);
  });

  it("declares every replacement-forcing input as the restore creates it", () => {
    // ForceNew attributes of aws_db_instance (hashicorp/terraform-provider-aws internal/service/rds/instance.go):
    // identifier, kms_key_id, storage_encrypted, engine, username, db_name, availability_zone,
    // restore_to_point_in_time, snapshot_identifier, character_set_name, nchar_character_set_name,
    // timezone, custom_iam_instance_profile. username and db_name are Optional+Computed: left out,
    // they take the restored instance's values instead of asking for new ones.
    const i = primary().inputs;
    const forceNew = ["identifier", "kmsKeyId", "storageEncrypted", "engine", "username", "dbName", "availabilityZone", "snapshotIdentifier", "characterSetName", "ncharCharacterSetName", "timezone", "customIamInstanceProfile", "replicateSourceDb"];
    expect(Object.fromEntries(forceNew.map((k) => [k, i[k]]))).toEqual({
      identifier: "entasis-prod-dr-postgres",
      kmsKeyId: drKeyArn,
      storageEncrypted: true,
      engine: "postgres",
      username: undefined,
      dbName: undefined,
      availabilityZone: undefined,
      snapshotIdentifier: undefined,
      characterSetName: undefined,
      ncharCharacterSetName: undefined,
      timezone: undefined,
      customIamInstanceProfile: undefined,
      replicateSourceDb: undefined,
    });
    expect([i.storageType, i.multiAz, i.engineVersion]).toEqual(["gp3", true, "17"]);
  });

  it("rebuilds the read replica from the restored primary with the same key (same-region replicas keep their source's)", () => {
    const replica = named(recovery(), "postgres-replica-reporting", INSTANCE);
    expect(replica.inputs.kmsKeyId).toBe(drKeyArn);
    expect(replica.inputs.replicateSourceDb).toBe("entasis-prod-dr-postgres");
    expect(replica.dependencies).toContain(primary().urn);
  });

  it("leaves prod as it was: a new empty database with the stack's own key", () => {
    const run = runs.prod;
    if (!run) throw new Error("no prod run");
    const p = named(run, "postgres-primary", INSTANCE);
    expect(p.inputs.restoreToPointInTime).toBeUndefined();
    expect(p.inputs.kmsKeyId).toBe(named(run, "postgres-storage-key", "aws:kms/key:Key").state.arn);
    expect([p.inputs.username, p.inputs.dbName]).toEqual(["entasis_admin", "entasis"]);
  });
});

describe("TimescaleDB: the recovery stack's Cluster bootstraps from the DR copy of the WAL archive", () => {
  const cluster = (): RecordedResource => named(recovery(), "timeseries-cluster", CR);
  const restoreStore = (): RecordedResource => named(recovery(), "timeseries-source-object-store");
  const drBucket = "entasis-prod-timeseries-backups-dr-123456789012-ap-northeast-1";

  it("recovers from an external cluster served by the barman cloud plugin, reading the Tokyo copy", () => {
    const s = spec(cluster());
    expect(s.bootstrap).toEqual({ recovery: { source: SOURCE_CLUSTER } });
    // A one-time recovery, not a replica cluster: no replica section.
    expect(s.replica).toBeUndefined();
    expect(s.externalClusters).toEqual([{ name: SOURCE_CLUSTER, plugin: { name: "barman-cloud.cloudnative-pg.io", parameters: { barmanObjectName: SOURCE_OBJECT_STORE, serverName: "timeseries" } } }]);
    const store = restoreStore();
    expect((store.inputs.metadata as Obj).name).toBe(SOURCE_OBJECT_STORE);
    expect(((spec(store).configuration as Obj).destinationPath)).toBe(`s3://${drBucket}/`);
    // Nothing deletes from the copy: no retention on the source store.
    expect(spec(store).retentionPolicy).toBeUndefined();
    expect(cluster().dependencies).toContain(store.urn);
  });

  it("keeps archiving its own WAL into its own bucket, never into the copy it restores from", () => {
    const own = named(recovery(), "timeseries-object-store");
    expect(spec(cluster()).plugins).toEqual([{ name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true, parameters: { barmanObjectName: OBJECT_STORE } }]);
    expect((spec(own).configuration as Obj).destinationPath).toBe("s3://entasis-prod-dr-timeseries-backups-123456789012-ap-northeast-1/");
  });

  it("lets the instances' IRSA role read the copy and decrypt it with its key, and nothing more there", () => {
    const policy = jsonInput(named(recovery(), "timeseries-backup-barman-barman", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
    const restore = policy.Statement.filter((s) => s.Sid.startsWith("Source"));
    const tsKey = String(((recoveryConfig("prod").config["entasis:timeseries"] as Obj).restore as Obj).kmsKeyArn);
    expect(restore.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["SourceObjects", ["s3:GetObject"], [`arn:aws:s3:::${drBucket}/*`]],
      ["SourceBuckets", ["s3:ListBucket", "s3:GetBucketLocation"], [`arn:aws:s3:::${drBucket}`]],
      ["SourceKeys", ["kms:Decrypt"], [tsKey]],
    ]);
  });

  it("validates against the CNPG and barman cloud CRDs", () => {
    for (const r of [cluster(), restoreStore()]) expect({ name: r.name, errors: schemaErrors(r.inputs) }).toEqual({ name: r.name, errors: [] });
  });

  it("leaves prod's Cluster an initdb bootstrap with no external cluster", () => {
    const prod = runs.prod;
    if (!prod) throw new Error("no prod run");
    const s = spec(named(prod, "timeseries-cluster", CR));
    expect(Object.keys(s.bootstrap as Obj)).toEqual(["initdb"]);
    expect(s.externalClusters).toBeUndefined();
    expect(prod.resources.filter((r) => r.name === "timeseries-source-object-store")).toHaveLength(0);
  });
});

describe("the DR region's quotas in the recovery stack's preflight", () => {
  it("has a table for ap-northeast-1 and asks Tokyo for every quota the recovery stack needs", () => {
    const report = insightsOf(recovery(), DR).preflight?.quotas;
    expect(report?.region).toBe(DR);
    const needs = report?.needs ?? [];
    expect(needs.length).toBeGreaterThan(15);
    for (const n of needs.filter((x) => x.check !== undefined && x.scope !== "account (global)")) expect(n.check).toContain(`--region ${DR}`);
    // Prod's pools at their minimum, in Tokyo, against the default 5 vCPUs: a recovery that is not
    // prepared waits for a quota increase before its first node starts.
    const vcpus = needs.find((n) => n.key === "onDemandStandardVcpus");
    const prodVcpus = insightsOf(runs.prod ?? recovery(), LOST).preflight?.quotas?.needs.find((n) => n.key === "onDemandStandardVcpus");
    expect(prodVcpus?.atMin).toBeGreaterThan(40);
    expect([vcpus?.atMin, vcpus?.awsDefault, vcpus?.verdict]).toEqual([prodVcpus?.atMin, 5, "blocks first deploy"]);
    expect(vcpus?.request).toContain(`--region ${DR}`);
  });
});

describe("docs/disaster-recovery.md's ha-mode procedure", () => {
  const doc = (): string => fs.readFileSync(path.join(__dirname, "..", "docs", "disaster-recovery.md"), "utf8");
  const procedure = (): string => doc().slice(doc().indexOf("## Steps (ha mode"));

  it("states the RTO figures of the plan's duration model for the bootstrap, the recovery stack and the platform beside it", () => {
    const bootstrap = runs.bootstrap;
    if (!bootstrap || bootstrap.error !== undefined) throw new Error("the DR-region bootstrap did not run");
    const t = (run: RunResult): number => analyseTimeline(new ResourceIndex(run.resources)).criticalPathSeconds;
    const rows = doc().split("\n").filter((l) => l.startsWith("| "));
    const row = (start: string): string => rows.find((l) => l.startsWith(`| ${start}`)) ?? "";
    expect(row("DR-region bootstrap")).toContain(`| ${mmss(t(bootstrap))} |`);
    const recoveryPath = analyseTimeline(new ResourceIndex(recovery().resources));
    expect(row("Recovery stack")).toContain(`| ${mmss(recoveryPath.criticalPathSeconds)} |`);
    // The restore is what makes the recovery path long: it is on it, with the duration the doc states.
    const restoreKey = "aws:rds/instance:Instance (point-in-time restore)";
    expect(recoveryPath.criticalPath.map((s) => s.durationKey)).toContain(restoreKey);
    expect(row("Recovery stack")).toContain(`(${mmss(DURATIONS[restoreKey].seconds)}`);
    expect(row("Recovery stack")).toContain(`(${mmss(DURATIONS["aws:rds/instance:Instance (read replica)"].seconds)})`);
    if (!runs.prod) throw new Error("no prod run");
    expect(row("The rest of the platform")).toContain(`| ${mmss(t(runs.prod))} |`);
  });

  it("lists the time-series WAL archive, the broker and the parameters among the data stores", () => {
    const rows = doc().split("\n").filter((l) => l.startsWith("| "));
    for (const store of ["TimescaleDB (CloudNativePG): WAL archive", "Amazon MQ broker", "Parameters (SSM Parameter Store"]) expect(rows.filter((l) => l.startsWith(`| ${store}`))).toHaveLength(1);
  });

  it("runs the program with the committed recovery config, imports nothing, and calls AWS only in the DR region", () => {
    const p = procedure();
    expect(p).toContain("--config-file docs/recovery/Pulumi.prod-dr.yaml");
    // The deploy workflow's recover-prod job runs exactly that, on the DR-region runner.
    const wf = yaml.load(fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { "runs-on": string; environment: string; steps: { run?: string }[] }> };
    const job = wf.jobs["recover-prod"];
    expect([job["runs-on"], job.environment]).toEqual(["codebuild-entasis-prod-dr-deploy-${{ github.run_id }}-${{ github.run_attempt }}", "production-dr"]);
    expect(job.steps.map((st) => st.run ?? "").join("\n")).toMatch(/pulumi up --yes --stack "\$PULUMI_ORG\/entasis-infra\/prod-dr" --config-file docs\/recovery\/Pulumi\.prod-dr\.yaml/);
    expect(p).not.toMatch(/pulumi import|--target/);
    const commands = [...p.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")).filter((l) => /^(aws|velero) /.test(l.trim()));
    expect(commands.length).toBeGreaterThan(8);
    for (const c of commands) expect(c).not.toContain(LOST);
    for (const c of commands.filter((l) => l.startsWith("aws ") && !l.startsWith("aws sts "))) expect({ c, region: c.includes(`--region ${DR}`) }).toEqual({ c, region: true });
    // Every restore key the procedure sets is a key of the recovery config.
    const keys = [...p.matchAll(/--path '([^']+)'/g)].map((m) => m[1]);
    expect(keys).toEqual(expect.arrayContaining(["entasis:data.postgres.restore.sourceAutomatedBackupsArn", "entasis:data.postgres.restore.kmsKeyArn", "entasis:timeseries.restore.bucket", "entasis:timeseries.restore.kmsKeyArn"]));
    // ...and every key it sets is one regenerating keeps (else the drift test fails the test job recover-prod needs), regenerated after.
    const setKeys = [...p.matchAll(/pulumi config set --config-file \$F (?:--path |--secret )'?([^' ]+)'?/g)].map((m) => m[1]);
    expect(setKeys.length).toBeGreaterThanOrEqual(7);
    for (const k of setKeys) expect({ k, kept: RUNBOOK_VALUES.some((v) => k === v.join(".") || k.startsWith(`${v.join(".")}.`)) }).toEqual({ k, kept: true });
    expect(p.lastIndexOf("pulumi config set --config-file")).toBeLessThan(p.indexOf("tools/recovery/cli.ts prod  "));
    expect((wf.jobs["recover-prod"] as { needs?: string }).needs).toBe("test");
  });
});
