import { RecordedResource, RunResult, attemptStack } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { TEST_SECRETS, named, ofType } from "./support/query";
import { validateWith, withField } from "./support/config";
import { stackRun } from "./support/stackRuns";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ResourceIndex } from "../tools/insights/model";
import { WaitGraph } from "../tools/insights/waits";

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
}, 300_000);

const SECRET = "aws:secretsmanager/secret:Secret";
const BUCKET = "aws:s3/bucket:Bucket";
const VAULT = "aws:backup/vault:Vault";
const summary = (rs: RecordedResource[], key: string): Record<string, unknown> => Object.fromEntries(rs.map((r) => [r.name, { [key]: r.inputs[key], protect: r.protect }]));

// dev: `pulumi destroy` must succeed with data in the buckets and the vault, with the cluster
// already gone, and a rebuild must be able to reuse every fixed name at once.
describe("teardown of dev", () => {
  const run = (): RunResult => runs.dev;

  it("deletes every secret at once (recovery window 0), so a rebuild can reuse the fixed names", () => {
    const secrets = ofType(run(), SECRET);
    expect(secrets.map((s) => s.name).sort()).toEqual([
      "connection-secrets-analytics",
      "connection-secrets-trading-api",
      "messaging-admin",
      "messaging-user-collector-data-feed",
      "messaging-user-collector-exchange-api",
      "messaging-user-trading-api",
      "postgres-master",
      "redis-auth",
      "timeseries-consumers-analytics",
      "timeseries-consumers-collector-data-feed",
      "timeseries-consumers-collector-exchange-api",
      "timeseries-consumers-market-data",
    ]);
    for (const s of secrets) expect({ name: s.name, recoveryWindowInDays: s.inputs.recoveryWindowInDays, protect: s.protect }).toEqual({ name: s.name, recoveryWindowInDays: 0, protect: false });
  });

  it("empties every bucket (market data, ALB logs, Velero, time-series backups, processing, AI and load-test runs), versions included, on destroy", () => {
    const buckets = ofType(run(), BUCKET);
    expect(buckets.map((b) => b.name).sort()).toEqual([
      "ai-store-ml-artifacts",
      "ai-store-models",
      "cluster-backup-cluster-backups",
      "flink-state",
      "load-test-runs",
      "object-storage-access-logs",
      "object-storage-market-data",
      "spark-event-logs",
      "timeseries-backup-timeseries-backups",
    ]);
    expect(summary(buckets, "forceDestroy")).toEqual(Object.fromEntries(buckets.map((b) => [b.name, { forceDestroy: true, protect: false }])));
  });

  it("deletes the backup vault with its recovery points, and never locks it", () => {
    expect(summary(ofType(run(), VAULT), "forceDestroy")).toEqual({ "backup-vault": { forceDestroy: true, protect: false } });
    expect(ofType(run(), "aws:backup/vaultLockConfiguration:VaultLockConfiguration")).toEqual([]);
  });

  it("drops cluster objects from state when the cluster is already gone (Kubernetes provider deleteUnreachable)", () => {
    const provider = named(run(), "cluster-k8s", "pulumi:providers:kubernetes");
    expect(String(provider.inputs.deleteUnreachable)).toBe("true");
    // Every Kubernetes object and Helm release uses that provider.
    const k8s = run().resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(k8s.length).toBeGreaterThan(0);
    expect(k8s.filter((r) => !r.provider?.startsWith(`${provider.urn}::`)).map((r) => r.name)).toEqual([]);
  });

  it("leaves nothing with deletion protection: database, cluster, load balancer", () => {
    const primary = named(run(), "postgres-primary", "aws:rds/instance:Instance");
    expect({ deletionProtection: primary.inputs.deletionProtection, skipFinalSnapshot: primary.inputs.skipFinalSnapshot, protect: primary.protect }).toEqual({ deletionProtection: false, skipFinalSnapshot: true, protect: false });
    expect(ofType(run(), "aws:eks/cluster:Cluster").map((c) => c.inputs.deletionProtection)).toEqual([false]);
    const lbs = ofType(run(), "aws:lb/loadBalancer:LoadBalancer");
    expect(lbs.length).toBeGreaterThan(0);
    for (const lb of lbs) expect({ name: lb.name, enableDeletionProtection: lb.inputs.enableDeletionProtection }).toEqual({ name: lb.name, enableDeletionProtection: false });
    expect(run().resources.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
  });
});

describe("teardown of prod stays protected", () => {
  const run = (): RunResult => runs.prod;

  it("keeps a 30-day recovery window on every secret, all protected", () => {
    const secrets = ofType(run(), SECRET);
    // prod's secrets are dev's plus what only prod has; none may be missed by the loop.
    expect(secrets.length).toBeGreaterThanOrEqual(ofType(runs.dev, SECRET).length);
    expect(ofType(runs.dev, SECRET).map((s) => s.name).filter((n) => !secrets.some((x) => x.name === n))).toEqual([]);
    for (const s of secrets) expect({ name: s.name, recoveryWindowInDays: s.inputs.recoveryWindowInDays, protect: s.protect }).toEqual({ name: s.name, recoveryWindowInDays: 30, protect: true });
  });

  it("never empties a bucket and protects each", () => {
    const buckets = ofType(run(), BUCKET);
    // The dev list above, plus the three disaster-recovery copies.
    // Prod's eleven data and log buckets plus the audit trail's (entasis:audit.provider platform).
    expect(buckets).toHaveLength(12);
    expect(summary(buckets, "forceDestroy")).toEqual(Object.fromEntries(buckets.map((b) => [b.name, { forceDestroy: false, protect: true }])));
  });

  it("keeps the vault and its recovery points, protected and under Vault Lock", () => {
    expect(summary(ofType(run(), VAULT), "forceDestroy")).toEqual({ "backup-vault": { forceDestroy: false, protect: true }, "backup-dr-vault": { forceDestroy: false, protect: true } });
    // Both the local vault and its disaster-recovery copy are locked.
    expect(ofType(run(), "aws:backup/vaultLockConfiguration:VaultLockConfiguration")).toHaveLength(2);
  });

  it("fails a destroy on an unreachable cluster instead of forgetting its objects", () => {
    expect(String(named(run(), "cluster-k8s", "pulumi:providers:kubernetes").inputs.deleteUnreachable)).toBe("false");
  });

  it("protects the database and turns on deletion protection for database, cluster and load balancer", () => {
    const primary = named(run(), "postgres-primary", "aws:rds/instance:Instance");
    expect({ deletionProtection: primary.inputs.deletionProtection, skipFinalSnapshot: primary.inputs.skipFinalSnapshot, protect: primary.protect }).toEqual({ deletionProtection: true, skipFinalSnapshot: false, protect: true });
    expect(ofType(run(), "aws:eks/cluster:Cluster").map((c) => c.inputs.deletionProtection)).toEqual([true]);
    const lbs = ofType(run(), "aws:lb/loadBalancer:LoadBalancer");
    expect(lbs.length).toBeGreaterThan(0);
    for (const lb of lbs) expect({ name: lb.name, enableDeletionProtection: lb.inputs.enableDeletionProtection }).toEqual({ name: lb.name, enableDeletionProtection: true });
  });
});

describe.each([
  ["dev", true],
  ["prod", false],
])("the trading-api ECR repository of %s (when entasis:workloads.build is set)", (stack, forceDelete) => {
  it(`${forceDelete ? "is" : "is never"} deleted with its images`, async () => {
    const workloads = JSON.parse(loadStackFile(stack).config["entasis:workloads"]) as Record<string, unknown>;
    const run = await attemptStack({ stack, secrets: TEST_SECRETS, overrides: { "entasis:workloads": { ...workloads, image: undefined, build: { context: "app" } } } });
    expect(run.error).toBeUndefined();
    expect(ofType(run, "aws:ecr/repository:Repository").map((r) => r.inputs.forceDelete)).toEqual([forceDelete]);
  });
});

describe("entasis:data.secretRecoveryDays", () => {
  const data = (stack: string, changes: [string[], unknown][]) =>
    validateWith(stack, (a) => ({ ...a, data: changes.reduce<unknown>((area, [path, value]) => withField(area, path, value), a.data) })).messages;

  it("accepts 0 only in an unprotected dev stack, and 7..30 anywhere", () => {
    expect(data("dev", [[["secretRecoveryDays"], 0]])).toEqual([]);
    expect(data("dev", [[["secretRecoveryDays"], 7]])).toEqual([]);
    expect(data("prod", [[["secretRecoveryDays"], 30]])).toEqual([]);
  });

  it("refuses 0 in prod and with protect: true, and anything outside 0 and 7..30", () => {
    expect(data("prod", [[["secretRecoveryDays"], 0]])).toEqual([
      "entasis:data.secretRecoveryDays 0 deletes secrets at once with no way to restore them, which only an unprotected dev stack may do (this is prod); use 7..30 days (prod default 30)",
    ]);
    expect(data("dev", [[["protect"], true], [["secretRecoveryDays"], 0]])).toEqual([
      "entasis:data.secretRecoveryDays 0 deletes secrets at once with no way to restore them, which only an unprotected dev stack may do (protect is true); use 7..30 days (prod default 30)",
    ]);
    expect(data("dev", [[["secretRecoveryDays"], 3]])).toEqual(["entasis:data.secretRecoveryDays 3 is not a Secrets Manager recovery window; use 7..30 days, or 0 (delete at once) in an unprotected stack"]);
  });
});

/** Objects whose deletion deletes EBS volumes (their claims), found by kind in the record. */
function volumeOwners(run: RunResult): RecordedResource[] {
  return run.resources.filter(
    (r) =>
      r.custom &&
      (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster" ||
        r.type.endsWith(":Elasticsearch") ||
        r.type === "kubernetes:apps/v1:StatefulSet" ||
        r.type === "kubernetes:core/v1:PersistentVolumeClaim" ||
        (r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "kube-prometheus-stack")),
  );
}

describe.each(["dev", "prod"] as const)("volumes on destroy of %s", (stack) => {
  it("makes every volume-owning object depend (transitively) on the EBS CSI add-on, so a destroy deletes it and its volumes before the driver and the node pools", () => {
    const run = runs[stack];
    const graph = new WaitGraph(new ResourceIndex(run.resources));
    const csi = named(run, "cluster-aws-ebs-csi-driver", "aws:eks/addon:Addon");
    const owners = volumeOwners(run);
    expect(owners.map((r) => r.name).sort()).toEqual(["logging-elasticsearch", "monitoring-kube-prometheus-stack", "timeseries-cluster"]);
    for (const r of owners) {
      expect({ name: r.name, afterCsi: graph.waitsFor(r.urn, csi.urn) }).toEqual({ name: r.name, afterCsi: true });
      const pools = ofType(run, "aws:eks/nodeGroup:NodeGroup").filter((ng) => graph.waitsFor(r.urn, ng.urn));
      expect(pools.length).toBeGreaterThan(0);
    }
    for (const sc of ofType(run, "kubernetes:storage.k8s.io/v1:StorageClass")) expect(sc.dependencies).toContain(csi.urn);
  });

  it(`${stack === "dev" ? "deletes" : "keeps"} Prometheus' and Alertmanager's claims with their StatefulSets; ECK and CloudNativePG delete theirs with the cluster`, () => {
    const values = named(runs[stack], "monitoring-kube-prometheus-stack").inputs.values as Record<string, Record<string, Record<string, unknown>>>;
    const policy = stack === "dev" ? { whenDeleted: "Delete", whenScaled: "Retain" } : undefined;
    expect(values.prometheus.prometheusSpec.persistentVolumeClaimRetentionPolicy).toEqual(policy);
    expect(values.alertmanager.alertmanagerSpec.persistentVolumeClaimRetentionPolicy).toEqual(policy);
    // ECK's default volumeClaimDeletePolicy is DeleteOnScaledownAndClusterDeletion; not overridden.
    expect((named(runs[stack], "logging-elasticsearch").inputs.spec as Record<string, unknown>).volumeClaimDeletePolicy).toBeUndefined();
  });
});

describe("the destroy-dev workflow handles what outlives the stack before pulumi destroy", () => {
  it("stops dev's running backup jobs and deletes Velero's EBS snapshots of dev, then destroys", () => {
    const wf = yaml.load(fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = wf.jobs["destroy-dev"].steps;
    const pre = steps.findIndex((x) => (x.run ?? "").includes("aws backup stop-backup-job"));
    const destroy = steps.findIndex((x) => x.uses?.startsWith("pulumi/actions@") && x.with?.command === "destroy");
    expect(pre).toBeGreaterThanOrEqual(0);
    expect(destroy).toBeGreaterThan(pre);
    expect(steps[pre].run).toContain("--by-backup-vault-name entasis-dev-vault");
    expect(steps[pre].run).toContain("Name=tag-key,Values=velero.io/backup Name=tag:Stack,Values=dev");
    expect(steps[pre].run).toContain("aws ec2 delete-snapshot");
  });
});
