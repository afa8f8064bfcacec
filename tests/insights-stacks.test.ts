import * as fs from "fs";
import { Insights, compareCosts, insightsOf } from "../tools/insights";
import { diagramFile, diagramOf } from "../tools/insights/diagramFiles";
import { RunResult } from "../tools/offline/harness";
import { planRun } from "./support/stackRuns";

// Planned as `npm run plan` and `npm run diagrams` do: placeholder secrets, the real stack files.
const runs: Record<string, RunResult> = {};
const insights: Record<string, Insights> = {};
beforeAll(async () => {
  // Sequential: the Pulumi runtime is process-global.
  for (const stack of ["dev", "prod"]) {
    runs[stack] = await planRun(stack);
    insights[stack] = insightsOf(runs[stack], "ap-northeast-2");
  }
});

describe("insights of the real stacks", () => {
  it("prod has no single-zone point of failure", () => {
    expect(insights.prod.failureDomains.singlePoints).toEqual([]);
    expect(insights.prod.failureDomains.verdict).toMatchObject({ requireHa: true, ok: true });
    expect(insights.prod.failureDomains.zones).toEqual(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
  });

  it("dev names its single NAT gateway as a point of failure and accepts it for cost", () => {
    const f = insights.dev.failureDomains;
    expect(f.singlePoints.map((s) => [s.zone, s.name])).toContainEqual(["ap-northeast-2a", "network-nat-ap-northeast-2a"]);
    expect(f.perZone.find((z) => z.zone === "ap-northeast-2a")?.collateral).toContain("internet egress of network-private-ap-northeast-2c (ap-northeast-2c) via network-nat-ap-northeast-2a");
    expect(f.verdict.ok).toBe(true);
    expect(f.verdict.text).toContain("accepted for cost in dev");
  });

  it("prod's region-lost verdict: every data store survives in the DR region (replicated, or in the backup plan's DR copies), only the cache is named as not copied", () => {
    const rl = insights.prod.failureDomains.regionLoss;
    expect(rl).toMatchObject({ region: "ap-northeast-2", drRegion: "ap-northeast-1", requireDr: true, ok: true });
    expect(rl.survives).toEqual([
      "ai-store-ml-artifacts: in backup-plan's copies to backup-dr-vault (tagged backup=true, Stack=prod)",
      "ai-store-models: in backup-plan's copies to backup-dr-vault (tagged backup=true, Stack=prod)",
      "audit-bucket: in backup-plan's copies to backup-dr-vault (tagged backup=true, Stack=prod)",
      "backup-plan: daily, weekly, monthly points copied to backup-dr-vault in ap-northeast-1",
      "cluster-backup-cluster-backups: objects replicated to disaster-recovery-cluster-backups in ap-northeast-1",
      "flink-state: in backup-plan's copies to backup-dr-vault (tagged backup=true, Stack=prod)",
      "object-storage-access-logs: in backup-plan's copies to backup-dr-vault (tagged backup=true, Stack=prod)",
      "object-storage-market-data: objects replicated to disaster-recovery-market-data in ap-northeast-1",
      "postgres-primary: automated backups and transaction logs (point-in-time restore) in ap-northeast-1",
      "spark-event-logs: in backup-plan's copies to backup-dr-vault (tagged backup=true, Stack=prod)",
      "timeseries-backup-timeseries-backups: objects replicated to disaster-recovery-timeseries-backups in ap-northeast-1",
    ]);
    // AWS Backup does not support ElastiCache: its backup tag selects nothing.
    expect(rl.lost).toEqual(["redis-group (ReplicationGroup): a cache, rebuilt from PostgreSQL and the exchange feeds"]);
    expect(rl.text).toContain("losing ap-northeast-2 leaves a copy of every data store in ap-northeast-1");
  });

  it("dev's region-lost verdict says what running without a DR region gives up, and accepts it for cost", () => {
    const rl = insights.dev.failureDomains.regionLoss;
    expect(rl).toMatchObject({ region: "ap-northeast-2", drRegion: undefined, survives: [], requireDr: false, ok: true });
    expect(rl.text).toBe(
      "no disaster-recovery region (entasis:backup.drRegion unset): losing ap-northeast-2 (an outage, or a compromised account deleting there) loses every copy of ai-store-ml-artifacts, ai-store-models, backup-vault, cluster-backup-cluster-backups, flink-state, load-test-runs, object-storage-market-data, postgres-primary, spark-event-logs, timeseries-backup-timeseries-backups, monthly backups included; accepted for cost in dev",
    );
  });

  it("prices the DR copies as usage: inter-region transfer plus storage in the DR region", () => {
    const c = insights.prod.cost;
    if (!c) throw new Error("no cost section");
    const rate = (name: string, type: string): string | undefined => c.usageBased.find((u) => u.name === name && u.type === type)?.rate;
    expect(rate("disaster-recovery-postgres", "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")).toBe(
      "0.08/GB of snapshots and transaction logs copied to ap-northeast-1 + 0.095/GB-month kept there (estimates, tools/insights/prices-dr.ts)",
    );
    expect(rate("disaster-recovery-market-data", "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toContain("0.08/GB replicated");
    expect(rate("disaster-recovery-market-data", "aws:s3/bucket:Bucket")).toBe("0.025/GB-month Standard in ap-northeast-1 + requests");
    expect(rate("backup-dr-vault", "aws:backup/vault:Vault")).toBe("0.05/GB-month of backups kept in ap-northeast-1 (copies)");
    expect(rate("backup-plan", "aws:backup/plan:Plan")).toContain("0.08/GB of daily, weekly and monthly points copied to ap-northeast-1");
    expect(c.notPriced).toEqual([]);
    expect(insights.dev.cost?.usageBased.some((u) => u.rate.includes("ap-northeast-1"))).toBe(false);
  });

  it("dev costs a fraction of prod, and every cloud resource is accounted for in the cost", () => {
    const dev = insights.dev.cost;
    const prod = insights.prod.cost;
    if (!dev || !prod) throw new Error("no cost section");
    const cmp = compareCosts({ dev, prod });
    expect(cmp.devToProd?.atMin).toBeLessThan(0.5);
    expect(cmp.devToProd?.atMax).toBeLessThan(0.5);
    expect(prod.lines.filter((l) => l.type === "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    for (const stack of ["dev", "prod"]) {
      const c = insights[stack].cost;
      if (!c) throw new Error("no cost section");
      const accounted = new Set([...c.lines, ...c.usageBased, ...c.notPriced].map((l) => `${l.type}::${l.name}`));
      const unaccounted = runs[stack].resources.filter((r) => r.custom && !accounted.has(`${r.type}::${r.name}`) && !(r.type in c.free));
      expect(unaccounted.map((r) => r.type)).toEqual([]);
    }
  });

  it("has a critical path no shorter than its lower bound, made of resources the program registers", () => {
    for (const stack of ["dev", "prod"]) {
      const t = insights[stack].timeline;
      expect(t.criticalPathSeconds).toBeGreaterThanOrEqual(t.lowerBoundSeconds);
      expect(t.criticalPath.at(-1)?.finish).toBe(t.criticalPathSeconds);
      const names = new Set(runs[stack].resources.map((r) => r.name));
      for (const s of t.criticalPath) expect(names.has(s.name)).toBe(true);
    }
  });

  it("builds the timeline from the real waits: every workload waits for its pool and CoreDNS, and dev's path runs through them", () => {
    for (const stack of ["dev", "prod"]) expect(insights[stack].timeline.missingPoolWaits).toEqual([]);
    const names = insights.dev.timeline.criticalPath.map((s) => s.name);
    // The cluster layer dominates dev: nodes, then the system add-on that waits for them (the EBS CSI
    // driver, which every volume owner waits for through its StorageClass, or CoreDNS), then the charts.
    const next = names[names.indexOf("cluster-general-ng-ap-northeast-2a") + 1];
    expect(["cluster-coredns", "cluster-aws-ebs-csi-driver"]).toContain(next);
    expect(names.indexOf("cluster-general-ng-ap-northeast-2a")).toBeGreaterThan(0);
  });

  it.each(["dev", "prod"])("docs/architecture-%s.md matches the program (run `npm run diagrams` after changing it)", (stack) => {
    const expected = diagramOf(runs[stack]);
    expect(expected).toContain("```mermaid\ngraph LR\n");
    expect(fs.readFileSync(diagramFile(stack), "utf8")).toBe(expected);
  });
});
