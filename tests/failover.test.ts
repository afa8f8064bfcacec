import { RecordedResource, RunResult, StackRunResult, attemptStack } from "../tools/offline/harness";
import { SOURCE_CLUSTER, SOURCE_OBJECT_STORE } from "../components/timeseries/timeseriesCluster";
import { BARMAN_CLOUD_PLUGIN } from "../components/timeseries/barmanCloudPlugin";
import { TIMESERIES_BUCKET_ROLE } from "../components/timeseries/backupStore";
import { statefulUrns } from "../tools/contract/stateful";
import { byUrn, jsonInput, named, ofType, str } from "./support/query";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import * as yaml from "js-yaml";
import { planRun, stackRun } from "./support/stackRuns";
import { diagramFile, diagramOf } from "../tools/insights/diagramFiles";
import { schemaErrors } from "./support/k8sSchema";
import { validateWith, withField } from "./support/config";
import { loadStackFile } from "../tools/offline/stackFile";
import { toRawStackConfig } from "../stacks/config";
import { validateStackConfig } from "../stacks/schema/stack";
import { renderProblem } from "../stacks/schema/problems";
import { insightsOf } from "../tools/insights";
import { planFailover } from "../tools/insights/failover";
import { renderFailover } from "../tools/plan/renderFailover";

const PRIMARY_REGION = "ap-northeast-2";
const DR_REGION = "ap-northeast-1";
const RDS = "aws:rds/instance:Instance";
const RECORD = "aws:route53/record:Record";
const HEALTH = "aws:route53/healthCheck:HealthCheck";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const CR = "kubernetes:postgresql.cnpg.io/v1:Cluster";
const OBJECT_STORE = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore";
const PROVIDER = "pulumi:providers:aws";

const runs: Record<string, RunResult> = {};
let promoted: StackRunResult;
beforeAll(async () => {
  runs.prod = await stackRun("prod");
  runs.standby = await stackRun("prod-standby");
  // The switch: the standby's file with promoted flipped, nothing else.
  promoted = await attemptStack({ stack: "prod-standby", placeholderSecrets: true, overrides: { "entasis:failover": { ...failoverOf("prod-standby"), promoted: true } } });
}, 300_000);

function failoverOf(stack: string): Record<string, unknown> {
  return JSON.parse(loadStackFile(stack).config["entasis:failover"]) as Record<string, unknown>;
}

/** Every string inside a value, with its path. */
function strings(value: unknown, path: string, out: { path: string; value: string }[]): void {
  if (typeof value === "string") out.push({ path, value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
}

/** Names, ARNs and hosts of the primary region: the region name and ElastiCache's short code for it. */
const PRIMARY_REGION_RE = new RegExp(`${PRIMARY_REGION}|\\bapn2\\b`);

const clusterCr = (run: RunResult): RecordedResource => {
  const found = ofType(run, CR);
  expect(found).toHaveLength(1);
  return found[0];
};
const spec = (r: RecordedResource): Record<string, unknown> => r.inputs.spec as Record<string, unknown>;

describe("the warm standby (prod-standby, ap-northeast-1)", () => {
  it("references nothing in the primary region except its replication sources", () => {
    const run = runs.standby;
    const hits: { urn: string; path: string; value: string }[] = [];
    let walked = 0;
    for (const r of run.resources) {
      walked += 1;
      const found: { path: string; value: string }[] = [];
      strings(r.inputs, "inputs", found);
      for (const f of found) if (PRIMARY_REGION_RE.test(f.value)) hits.push({ urn: r.urn, ...f });
    }
    expect(walked).toBe(run.resources.length);
    expect(walked).toBeGreaterThan(500);
    // Exactly one: the replica's source, the primary RDS instance's ARN (read from prod's state).
    const source = named(run, "postgres-primary", RDS);
    expect(hits).toEqual([{ urn: source.urn, path: "inputs.replicateSourceDb", value: str(source, "replicateSourceDb") }]);
    // And no AWS provider of another region: every resource is created in ap-northeast-1.
    const providers = ofType(run, PROVIDER);
    expect(providers.map((p) => p.inputs.region).filter((r) => r !== undefined && r !== DR_REGION)).toEqual([]);
    expect((run as StackRunResult).config["aws:region"]).toBe(DR_REGION);
  });

  it("runs PostgreSQL as a cross-region read replica of prod's primary, encrypted with a key of its own region", () => {
    const replica = named(runs.standby, "postgres-primary", RDS);
    const source = named(runs.prod, "postgres-primary", RDS);
    expect(str(replica, "replicateSourceDb")).toBe(source.state.arn);
    expect(str(replica, "replicateSourceDb")).toMatch(/^arn:aws:rds:ap-northeast-2:\d{12}:db:entasis-prod-postgres$/);
    const key = named(runs.standby, "postgres-storage-key", "aws:kms/key:Key");
    expect(replica.inputs.kmsKeyId).toBe(key.state.arn);
    expect(str(replica, "kmsKeyId")).toMatch(/^arn:aws:kms:ap-northeast-1:/);
    expect(replica.propertyDependencies.kmsKeyId).toContain(key.urn);
    // Its own subnet group and parameter group; no master user, no backups, not for AWS Backup.
    const subnetGroup = ofType(runs.standby, "aws:rds/subnetGroup:SubnetGroup");
    expect(subnetGroup).toHaveLength(1);
    expect(replica.propertyDependencies.dbSubnetGroupName).toContain(subnetGroup[0].urn);
    expect(replica.inputs).toMatchObject({ backupRetentionPeriod: 0, multiAz: false, storageEncrypted: true, instanceClass: source.inputs.instanceClass });
    expect(replica.inputs.password).toBeUndefined();
    expect(replica.inputs.username).toBeUndefined();
    expect((replica.inputs.tags as Record<string, string>).backup).toBeUndefined();
    // A read replica gets no role Job (it is read-only and has the primary's roles) and no proxy.
    expect(ofType(runs.standby, "kubernetes:batch/v1:Job").filter((j) => j.name.startsWith("database-roles"))).toEqual([]);
    expect(ofType(runs.standby, "aws:rds/proxy:Proxy")).toEqual([]);
  });

  it("runs TimescaleDB as a CloudNativePG replica cluster of the DR copy of prod's WAL archive", () => {
    const cluster = clusterCr(runs.standby);
    const s = spec(cluster);
    expect(s.replica).toEqual({ enabled: true, source: SOURCE_CLUSTER });
    expect(s.bootstrap).toEqual({ recovery: { source: SOURCE_CLUSTER } });
    expect(s.externalClusters).toEqual([{ name: SOURCE_CLUSTER, plugin: { name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: SOURCE_OBJECT_STORE, serverName: "timeseries" } } }]);
    // The source store reads prod's DR copy of the archive, in ap-northeast-1, with no retention of its own.
    const prodCopy = ofType(runs.prod, "aws:s3/bucket:Bucket").filter((b) => b.name === `disaster-recovery-${TIMESERIES_BUCKET_ROLE}`);
    expect(prodCopy).toHaveLength(1);
    const copyName = String(prodCopy[0].state.bucket);
    expect(copyName).toMatch(/-ap-northeast-1$/);
    const stores = ofType(runs.standby, OBJECT_STORE);
    expect(stores).toHaveLength(2);
    const source = stores.find((o) => (o.inputs.metadata as { name: string }).name === SOURCE_OBJECT_STORE);
    if (!source) throw new Error("no source ObjectStore");
    const conf = (spec(source).configuration ?? {}) as { destinationPath?: string };
    expect(conf.destinationPath).toBe(`s3://${copyName}/`);
    expect(spec(source).retentionPolicy).toBeUndefined();
    expect(cluster.dependencies).toContain(source.urn);
    for (const r of [cluster, ...stores]) expect(schemaErrors(r.inputs)).toEqual([]);
    // The instances' IRSA role may read that copy and decrypt it with prod's DR key, nothing more.
    const prodKey = named(runs.prod, `disaster-recovery-${TIMESERIES_BUCKET_ROLE}-key`, "aws:kms/key:Key");
    const policy = named(runs.standby, "timeseries-backup-barman-barman", "aws:iam/rolePolicy:RolePolicy");
    const statements = (jsonInput(policy, "policy") as { Statement: { Sid: string; Action: string[]; Resource: string[] | string }[] }).Statement;
    expect(statements.map((x) => x.Sid)).toEqual(["BackupObjects", "BackupBucket", "BucketKey", "SourceObjects", "SourceBuckets", "SourceKeys"]);
    expect(statements.find((x) => x.Sid === "SourceObjects")).toMatchObject({ Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${copyName}/*`] });
    expect(statements.find((x) => x.Sid === "SourceKeys")).toMatchObject({ Action: ["kms:Decrypt"], Resource: [prodKey.state.arn] });
    expect(String(prodKey.state.arn)).toMatch(/^arn:aws:kms:ap-northeast-1:/);
    // The primary bounds the archive's lag (the standby's RPO) with archive_timeout.
    expect(((spec(clusterCr(runs.prod)).postgresql as { parameters: Record<string, string> }).parameters).archive_timeout).toBe("30s");
  });

  it("answers the public names only when prod's health check fails (Route 53 failover records)", () => {
    const health = ofType(runs.prod, HEALTH);
    expect(health).toHaveLength(1);
    const prodAlb = ofType(runs.prod, ALB).filter((a) => a.inputs.loadBalancerType === "application");
    expect(prodAlb).toHaveLength(1);
    expect(health[0].inputs).toMatchObject({ type: "HTTPS", port: 443, resourcePath: "/health", requestInterval: 10, failureThreshold: 3, fqdn: prodAlb[0].state.dnsName });
    expect(health[0].propertyDependencies.fqdn).toContain(prodAlb[0].urn);
    const standbyAlb = ofType(runs.standby, ALB).filter((a) => a.inputs.loadBalancerType === "application");
    expect(standbyAlb).toHaveLength(1);
    expect(ofType(runs.standby, HEALTH)).toEqual([]);
    const names = ["api.entasis.example.com", "ws.entasis.example.com"];
    const primary = ofType(runs.prod, RECORD);
    const secondary = ofType(runs.standby, RECORD);
    expect(primary.map((r) => r.inputs.name).sort()).toEqual(names);
    expect(secondary.map((r) => r.inputs.name).sort()).toEqual(names);
    for (const r of primary) {
      expect(r.inputs).toMatchObject({ type: "CNAME", ttl: 60, failoverRoutingPolicies: [{ type: "PRIMARY" }], records: [prodAlb[0].state.dnsName] });
      expect(typeof r.inputs.healthCheckId).toBe("string");
      expect(r.propertyDependencies.healthCheckId).toEqual([health[0].urn]);
    }
    for (const r of secondary) {
      expect(r.inputs).toMatchObject({ type: "CNAME", ttl: 60, failoverRoutingPolicies: [{ type: "SECONDARY" }], records: [standbyAlb[0].state.dnsName] });
      expect(r.inputs.healthCheckId).toBeUndefined();
      const twin = primary.find((p) => p.inputs.name === r.inputs.name);
      expect(twin?.inputs.zoneId).toBe(r.inputs.zoneId);
      expect(twin?.inputs.setIdentifier).not.toBe(r.inputs.setIdentifier);
    }
  });

  it("lets its Spark jobs read prod's market-data history in the DR copy (read only, prod's DR key)", () => {
    const copy = named(runs.prod, "disaster-recovery-market-data", "aws:s3/bucket:Bucket");
    const key = named(runs.prod, "disaster-recovery-market-data-key", "aws:kms/key:Key");
    const policy = named(runs.standby, "spark-jobs-access", "aws:iam/rolePolicy:RolePolicy");
    const statements = (jsonInput(policy, "policy") as { Statement: { Sid: string; Action: string[]; Resource: string[] | string }[] }).Statement;
    expect(statements.filter((x) => ["ListCopies", "ReadCopies", "CopyKeys"].includes(x.Sid))).toEqual([
      { Sid: "ListCopies", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [copy.state.arn] },
      { Sid: "ReadCopies", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${String(copy.state.arn)}/*`] },
      { Sid: "CopyKeys", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [key.state.arn] },
    ]);
    // Nothing of the copy is writable, and prod's own jobs have no such statements.
    expect(statements.filter((x) => (Array.isArray(x.Resource) ? x.Resource : [x.Resource]).some((r) => r.startsWith(String(copy.state.arn)))).map((x) => x.Sid)).toEqual(["ListCopies", "ReadCopies"]);
    const prodPolicy = named(runs.prod, "spark-jobs-access", "aws:iam/rolePolicy:RolePolicy");
    expect((jsonInput(prodPolicy, "policy") as { Statement: { Sid: string }[] }).Statement.map((x) => x.Sid)).not.toContain("ReadCopies");
  });

  it("has its architecture diagram in docs/ (docs/architecture-prod-standby.md matches the program)", async () => {
    const run = await planRun("prod-standby");
    expect(fs.readFileSync(diagramFile("prod-standby"), "utf8")).toBe(diagramOf(run));
  });

  it("exports its own egress IPs: one NAT Elastic IP per zone of ap-northeast-1", () => {
    const standbyIps = runs.standby.outputs.egressIps as string[];
    expect(standbyIps).toHaveLength(3);
    expect(ofType(runs.standby, "aws:ec2/eip:Eip").filter((e) => byUrn(runs.standby, e.parent)?.type === "entasis:network:Network")).toHaveLength(3);
  });
});

describe("the switch (entasis:failover.promoted: true)", () => {
  it("plans cleanly", () => {
    expect(promoted.error).toBeUndefined();
  });

  it("promotes the PostgreSQL replica in place and gives it prod's durability", () => {
    const db = named(promoted, "postgres-primary", RDS);
    const before = named(runs.standby, "postgres-primary", RDS);
    expect(db.urn).toBe(before.urn);
    expect(db.inputs.replicateSourceDb).toBeUndefined();
    expect(db.inputs).toMatchObject({ multiAz: true, backupRetentionPeriod: 30, applyImmediately: true, storageEncrypted: true, kmsKeyId: before.inputs.kmsKeyId });
    expect(typeof db.inputs.password).toBe("string");
    expect(db.secretPaths).toContain("password");
    // Nothing that would force a new instance changes: identifier, key, engine, database name.
    for (const k of ["identifier", "kmsKeyId", "engine", "dbName", "username"]) expect(db.inputs[k]).toEqual(before.inputs[k]);
    // The role Job and RDS Proxy start with the promotion.
    expect(ofType(promoted, "kubernetes:batch/v1:Job").filter((j) => j.name.startsWith("database-roles"))).toHaveLength(1);
    expect(ofType(promoted, "aws:rds/proxy:Proxy")).toHaveLength(1);
  });

  it("promotes the TimescaleDB replica cluster and scales the standby to prod's size", () => {
    const s = spec(clusterCr(promoted));
    expect(s.replica).toEqual({ enabled: false, source: SOURCE_CLUSTER });
    expect(s.instances).toBe(3);
    expect(schemaErrors(clusterCr(promoted).inputs)).toEqual([]);
    const groups = (run: RunResult): number =>
      ofType(run, "aws:eks/nodeGroup:NodeGroup")
        .filter((g) => (g.inputs.labels as Record<string, string> | undefined)?.role === "data-processing")
        .reduce((sum, g) => sum + Number((g.inputs.scalingConfig as { minSize: number }).minSize), 0);
    expect(groups(runs.standby)).toBe(1);
    expect(groups(promoted)).toBe(3);
  });

  it("replaces and deletes no stateful resource (every stateful URN of the standby survives)", () => {
    const before = statefulUrns(runs.standby.resources);
    const after = new Set(statefulUrns(promoted.resources));
    expect(before.length).toBeGreaterThan(10);
    expect(before.filter((u) => !after.has(u))).toEqual([]);
  });
});

describe("the switch as the deploy workflow runs it (docs/failover.md step 2: a dispatch, nothing committed)", () => {
  type Step = { name?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> };
  const job = (): { if?: string; steps: Step[] } => (yaml.load(fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { if?: string; steps: Step[] }> }).jobs["prod-standby"];
  const promoteStep = (): Step => {
    const st = job().steps.find((x) => x.run?.includes("entasis:failover.promoted") === true);
    if (!st?.run) throw new Error("no promotion step in the prod-standby job");
    return st;
  };

  it("keeps the committed file a waiting standby (what this file's tests prove), and the outputs say which state a stack is in", () => {
    expect(failoverOf("prod-standby").promoted ?? false).toBe(false);
    expect((runs.standby.outputs.failover as { promoted: unknown }).promoted).toBe(false);
    expect((promoted.outputs.failover as { promoted: unknown }).promoted).toBe(true);
    const steps = job().steps;
    const at = steps.findIndex((x) => x.run?.includes("entasis:failover.promoted") === true);
    expect(at).toBeGreaterThan(steps.findIndex((x) => x.name === "Pulumi CLI"));
    expect(at).toBeLessThan(steps.findIndex((x) => x.with?.command === "up"));
    expect(promoteStep().env).toEqual({ FAILOVER: "${{ inputs.failover }}", PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "failover.md"), "utf8");
    const sw = doc.slice(doc.indexOf("## The switch"), doc.indexOf("## Failback"));
    expect(sw).toContain("gh workflow run deploy.yml --ref main -f failover=true");
    expect(sw).not.toMatch(/git commit|gh pr create|pulumi config set/);
  });

  it("promotes on the failover dispatch, keeps a promoted standby promoted on every later run, and never touches a primary", () => {
    // The step's script with a stand-in `pulumi` that answers from the environment and logs what is set.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promote-"));
    const log = path.join(dir, "set.log");
    // `stack output failover -s .../prod` answers prod's output (its health check), `stack output --json` the standby's.
    fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\ncase "$1 $2 $3" in\n"config get "*) echo "$ROLE";;\n"stack output failover") echo "$PROD_FAILOVER";;\n"stack output "*) echo "$OUTPUTS";;\n"config set "*) echo "$*" >> "${log}";;\nesac\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "aws"), `#!/bin/sh\necho "aws $*" >> "${log}"\n`, { mode: 0o755 });
    const prodFailover = runs.prod.outputs.failover as { healthCheckId: unknown };
    expect(typeof prodFailover.healthCheckId).toBe("string");
    const run = (env: { FAILOVER: string; ROLE: string; OUTPUTS: string }): string => {
      fs.rmSync(log, { force: true });
      const r = spawnSync("bash", ["-e", "-c", promoteStep().run ?? ""], { env: { ...process.env, ...env, PROD_FAILOVER: JSON.stringify(prodFailover), PULUMI_ORG: "entasis", PATH: `${dir}:${process.env.PATH ?? ""}` }, encoding: "utf8" });
      expect(r.status).toBe(0);
      return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim() : "";
    };
    const waiting = JSON.stringify({ failover: runs.standby.outputs.failover });
    const live = JSON.stringify({ failover: promoted.outputs.failover });
    // Promoting also pins prod's health check unhealthy, so Seoul's return does not pull the names back to its old database.
    const SET = `config set --path entasis:failover.promoted true\naws route53 update-health-check --health-check-id ${String(prodFailover.healthCheckId)} --port 1`;
    expect(run({ FAILOVER: "", ROLE: "standby", OUTPUTS: waiting })).toBe(""); // a push run of the waiting standby
    expect(run({ FAILOVER: "", ROLE: "standby", OUTPUTS: "{}" })).toBe(""); // its first deploy
    expect(run({ FAILOVER: "true", ROLE: "standby", OUTPUTS: waiting })).toBe(SET); // the switch
    expect(run({ FAILOVER: "", ROLE: "standby", OUTPUTS: live })).toBe(SET); // a push run after it
    expect(run({ FAILOVER: "true", ROLE: "primary", OUTPUTS: waiting })).toBe(""); // failback: roles reversed
    fs.rmSync(dir, { recursive: true });
  });
});

describe("entasis:failover validation", () => {
  const edit = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, failover: withField(a.failover, path, value) }));

  it("accepts the committed primary and standby", () => {
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod-standby")).toEqual({ ok: true, messages: [] });
  });

  it("rejects unknown keys, standby settings on a primary and a standby without its primary", () => {
    expect(edit("prod", ["promotd"], true).messages).toEqual([expect.stringMatching(/^entasis:failover\.promotd true is not a known setting; /)]);
    expect(edit("prod", ["promoted"], false).messages).toEqual(["entasis:failover.promoted false is a standby setting, but role is primary; remove promoted from the primary stack's file"]);
    expect(edit("prod-standby", ["primaryStack"], undefined).messages).toContainEqual(expect.stringMatching(/^entasis:failover\.primaryStack \(unset\) is required on a standby/));
    expect(edit("prod-standby", ["primaryRegion"], "ap-northeast-1").messages).toContainEqual(expect.stringMatching(/^entasis:failover\.primaryRegion "ap-northeast-1" is the standby's own region/));
    expect(edit("prod", ["dns", "apiHost"], "api.other.org").messages).toEqual(['entasis:failover.dns.apiHost "api.other.org" is not inside the hosted zone entasis.example.com; use a name ending in .entasis.example.com, or fix entasis:failover.dns.zoneName']);
    expect(edit("prod", ["dns", "healthCheck", "intervalSeconds"], 20).messages).toHaveLength(1);
    // Route 53's health checkers must reach the primary's ALB.
    const closed = validateWith("prod", (a) => ({ ...a, edge: withField(a.edge, ["allowedCidrs"], ["203.0.113.0/24"]) }));
    expect(closed.messages).toContainEqual(expect.stringMatching(/^entasis:edge\.allowedCidrs \["203\.0\.113\.0\/24"\] admits only some sources, so Route 53's health checkers/));
    // The committed placeholder zone passes a preview and fails `pulumi up`.
    const file = loadStackFile("prod");
    const raw = toRawStackConfig("prod", file.config, { slackWebhookUrl: true });
    const up = validateStackConfig({ ...raw, deploying: true });
    expect(up.ok).toBe(false);
    if (!up.ok) expect(up.problems.map(renderProblem)).toContainEqual(expect.stringMatching(/^entasis:failover\.dns\.hostedZoneId "Z0000000000PLACEHOLDER" is the placeholder of the committed stack files; /));
    expect(validateStackConfig(raw).ok).toBe(true);
    // Without entasis:failover the same restriction is fine.
    expect(validateWith("prod", (a) => ({ ...a, mode: "ha-scaled", failover: undefined, edge: withField(a.edge, ["allowedCidrs"], ["203.0.113.0/24"]) })).ok).toBe(true);
  });

  it("waives prod's HA minimums only for a waiting standby, and validates its promoted configuration", () => {
    // Without entasis:failover the same file is refused as prod.
    const plain = validateWith("prod-standby", (a) => ({ ...a, failover: undefined }));
    expect(plain.messages).toEqual(expect.arrayContaining([expect.stringMatching(/^entasis:timeseries\.instances 1 is below 3 in prod/), expect.stringMatching(/^entasis:backup\.drRegion \(unset\) is required in prod/)]));
    // A fullSize that leaves TimescaleDB at one instance is refused before the switch is ever needed.
    const small = validateWith("prod-standby", (a) => ({ ...a, failover: withField(a.failover, ["fullSize", "timeseries", "instances"], 1) }));
    expect(small.messages).toContainEqual(expect.stringMatching(/^entasis:timeseries\.instances 1 is below 3 in prod.*\(once promoted: entasis:failover\.fullSize applied\); use 3/));
    // A promoted standby's copies never go back to the failed primary's region.
    const back = validateWith("prod-standby", (a) => ({ ...a, failover: withField(withField(a.failover, ["promoted"], true), ["fullSize", "backup", "drRegion"], PRIMARY_REGION) }));
    expect(back.messages).toContainEqual(expect.stringMatching(/^entasis:backup\.drRegion "ap-northeast-2" is the failed primary's region/));
    // A waiting standby keeps no DR region of its own.
    const dr = validateWith("prod-standby", (a) => ({ ...a, backup: withField(a.backup, ["drRegion"], "ap-southeast-1") }));
    expect(dr.messages).toContainEqual(expect.stringMatching(/^entasis:backup\.drRegion "ap-southeast-1" is set on a standby that is not promoted/));
  });

  it("checks the ALB's own name, never a name the failover records serve (it would check itself)", () => {
    const health = ofType(runs.prod, HEALTH)[0];
    expect(str(health, "fqdn")).toMatch(/\.ap-northeast-2\.elb\.amazonaws\.com$/);
    expect(ofType(runs.prod, RECORD).map((r) => r.inputs.name)).not.toContain(health.inputs.fqdn);
  });
});

describe("the plan of the multi-region pair (prod + prod-standby)", () => {
  const plan = () => {
    const prod = insightsOf(runs.prod, PRIMARY_REGION);
    const standby = insightsOf(runs.standby, DR_REGION);
    if (!prod.failover || !standby.failover || !prod.cost) throw new Error("no failover sides or no prod cost");
    expect([prod.failover.role, standby.failover.role]).toEqual(["primary", "standby"]);
    return planFailover(prod.failover, standby.failover, prod.cost);
  };

  it("recovers PostgreSQL and TimescaleDB within 15 minutes, losing at most 1 minute of writes", () => {
    const p = plan();
    const byStore = Object.fromEntries(p.stores.map((s) => [s.store, s]));
    expect(p.stores).toHaveLength(5);
    for (const store of ["PostgreSQL (RDS)", "TimescaleDB (CNPG)"]) {
      expect(byStore[store].rtoSeconds).toBeLessThanOrEqual(15 * 60);
      expect(byStore[store].rpoSeconds).toBeLessThanOrEqual(60);
    }
    // From the recorded runs: 10 s x 3 health checks, TTL 60, archive_timeout 30 s, RDS promotion 300 s.
    expect(p.dnsSeconds).toBe(90);
    // The switch is the deploy workflow's failover dispatch: its test job (180 s), the DR runner (90 s),
    // the job's npm ci (45 s) and `pulumi up` diffing (120 s), then the promotions.
    const switchStart = 180 + 90 + 45 + 120;
    // Scale-out to fullSize: node groups join (240 s) and workloads roll out (60 s) after the switch starts.
    expect(p.fullSizeSeconds).toBe(30 + switchStart + 240 + 60);
    expect(byStore["PostgreSQL (RDS)"].rtoSeconds).toBe(30 + switchStart + 300);
    expect(byStore["TimescaleDB (CNPG)"].rpoSeconds).toBe(30 + 15);
    // Without the primary's archive_timeout the archive may lag 5 min: the target would be missed.
    const prod = insightsOf(runs.prod, PRIMARY_REGION).failover;
    const standby = insightsOf(runs.standby, DR_REGION).failover;
    if (!prod || !standby) throw new Error("no sides");
    const slow = planFailover({ ...prod, archiveTimeoutSeconds: undefined }, standby).stores.find((s) => s.store === "TimescaleDB (CNPG)");
    expect(slow?.rpoSeconds).toBe(300 + 15);
  });

  it("prices the standby at no more than 35% of prod at pool minimum, and lists the DR region's quotas", () => {
    const p = plan();
    expect(p.primaryMonthlyMin).toBeGreaterThan(4000);
    expect(p.costRatioAtMin).toBeLessThanOrEqual(0.35);
    expect(p.quotas?.region).toBe(DR_REGION);
    expect(p.quotas?.needs.find((n) => n.key === "onDemandStandardVcpus")?.check).toContain("--region ap-northeast-1");
    const text = renderFailover(p).join("\n");
    expect(text).toContain("RTO <= 15 min, RPO <= 1 min: met");
    expect(text).toContain("(target <= 35%: met)");
  });
});
