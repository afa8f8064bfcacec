import { RecordedResource, StackRunResult } from "../tools/offline/harness";
import { estimateCost } from "../tools/insights/cost";
import { ResourceIndex } from "../tools/insights/model";
import { PRICES_AP_NORTHEAST_2 } from "../tools/insights/prices-ap-northeast-2";
import { analyseZonalCapacity } from "../tools/insights/zonalCapacity";
import { validateWith, withField } from "./support/config";
import { named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

const STACKS = ["dev", "prod"] as const;
const runs: Record<string, StackRunResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await stackRun(stack);
});

const ZONES = { dev: ["ap-northeast-2a", "ap-northeast-2c"], prod: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"] } as const;
const role = (ng: RecordedResource): string | undefined => (ng.inputs.labels as { role?: string }).role;

describe.each(STACKS)("zone-aware capacity of %s", (stack) => {
  it("at pool minimum, every pod with a zonal volume or a required zone placement has a node group (and, for zone rules, a node) in its zone", () => {
    const report = analyseZonalCapacity(new ResourceIndex(runs[stack].resources));
    expect(report.zones).toEqual(ZONES[stack]);
    // TimescaleDB, Elasticsearch, Prometheus, Alertmanager (zonal volumes), trading-api and the collectors (hard zone spread).
    expect(report.checks.map((c) => [c.name, c.pool, c.pods]).sort()).toEqual(
      [
        ["collectors-data-feed-deployment", "general", 2],
        ["collectors-exchange-api-deployment", "general", 2],
        ["logging-elasticsearch:default", "general", stack === "prod" ? 3 : 1],
        ["monitoring-kube-prometheus-stack:alertmanager", "general", stack === "prod" ? 2 : 1],
        ["monitoring-kube-prometheus-stack:prometheus", "general", stack === "prod" ? 2 : 1],
        ["timeseries-cluster", "data-processing", stack === "prod" ? 3 : 1],
        ["trading-api-deployment", "general", 3],
      ].sort(),
    );
    for (const c of report.checks) {
      expect({ name: c.name, problems: c.problems }).toEqual({ name: c.name, problems: [] });
      expect(c.zonesWithGroup).toEqual(ZONES[stack]);
    }
    expect(report.ok).toBe(true);
    // Prod's three TimescaleDB instances (one per zone) each have a node at minimum in their zone.
    if (stack === "prod") expect(report.checks.find((c) => c.name === "timeseries-cluster")?.zonesWithNodeAtMin).toEqual(ZONES.prod);
  });

  it("keys the zonal pools' node groups by AZ, each in that AZ's private subnet only, splitting the configured totals; the GPU pool stays one group", () => {
    for (const pool of ["general", "data-processing"]) {
      const groups = ofType(runs[stack], "aws:eks/nodeGroup:NodeGroup").filter((ng) => role(ng) === pool);
      expect(groups.map((g) => g.name)).toEqual(ZONES[stack].map((az) => `cluster-${pool}-ng-${az}`));
      for (const [i, az] of ZONES[stack].entries()) {
        expect(groups[i].inputs.subnetIds).toEqual([`network-private-${az}-id`]);
        expect(groups[i].inputs.nodeGroupNamePrefix).toBe(`entasis-${stack}-${pool}-${az.slice(-1)}-`);
        expect((groups[i].inputs.tags as Record<string, string>).Zone).toBe(az);
      }
    }
    expect(ofType(runs[stack], "aws:eks/nodeGroup:NodeGroup").filter((ng) => role(ng) === "ai-inference").map((g) => g.name)).toEqual(["cluster-ai-inference-ng"]);
  });

  it("runs the autoscaler with --balance-similar-node-groups", () => {
    const ca = named(runs[stack], "cluster-system-cluster-autoscaler", "kubernetes:helm.sh/v3:Release");
    expect((ca.inputs.values as { extraArgs: Record<string, unknown> }).extraArgs["balance-similar-node-groups"]).toBe(true);
  });
});

describe("the zonal check fails on a pool that cannot add a node in a zone", () => {
  it("one data-processing group spanning every zone strands TimescaleDB (as before issue 20)", () => {
    const rs = runs.prod.resources;
    const dp = rs.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && role(r) === "data-processing");
    expect(dp).toHaveLength(3);
    const merged: RecordedResource = { ...dp[0], name: "cluster-data-processing-ng", inputs: { ...dp[0].inputs, subnetIds: dp.map((g) => (g.inputs.subnetIds as string[])[0]), scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 8 } } };
    const report = analyseZonalCapacity(new ResourceIndex([...rs.filter((r) => !dp.includes(r)), merged]));
    const ts = report.checks.find((c) => c.name === "timeseries-cluster");
    expect(report.ok).toBe(false);
    expect(ts?.problems).toEqual([
      "no node group of pool data-processing scoped to ap-northeast-2a, ap-northeast-2b, ap-northeast-2c: the autoscaler cannot add a node there for a pod whose volume or zone rule needs it",
      "3 pod(s) spread over zones need a node in 3 zones at minimum; pool data-processing has one in 0 (none)",
      "3 pod(s) need a node each, pool data-processing keeps 2 at minimum",
    ]);
  });
});

describe("pool minimums are validated against what is pinned to them", () => {
  it("accepts both stack files", () => {
    for (const stack of STACKS) expect(validateWith(stack).messages).toEqual([]);
  });

  it("rejects prod's old data-processing minimum of 2 for three TimescaleDB instances, one per zone, naming the key", () => {
    const r = validateWith("prod", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "data-processing", "minSize"], 2) }));
    expect(r.ok).toBe(false);
    expect(r.messages.join("\n")).toContain("entasis:cluster.nodePools.data-processing.minSize");
    expect(r.messages.join("\n")).toContain("leaves ap-northeast-2c without a node at minimum, but TimescaleDB instances");
    expect(r.messages.join("\n")).toContain("cannot place the 3 TimescaleDB instances");
  });

  it("rejects more one-per-zone TimescaleDB instances than zones, and a zonal pool whose maxSize is below the zones", () => {
    const r = validateWith("dev", (a) => ({ ...a, timeseries: withField(a.timeseries, ["instances"], 3), cluster: withField(withField(a.cluster, ["nodePools", "data-processing", "maxSize"], 1), ["nodePools", "data-processing", "minSize"], 1) }));
    const text = r.messages.join("\n");
    expect(text).toContain("entasis:timeseries.instances");
    expect(text).toContain("places one pod per zone, but the stack has 2 zones");
    expect(text).toContain("entasis:cluster.nodePools.data-processing.maxSize");
  });

  it("rejects a general minimum that leaves a zone without a node for the hard zone spread and Elasticsearch in prod", () => {
    const r = validateWith("prod", (a) => ({ ...a, cluster: withField(withField(a.cluster, ["nodePools", "general", "minSize"], 2), ["nodePools", "general", "desiredSize"], 2) }));
    const text = r.messages.join("\n");
    expect(text).toContain("entasis:cluster.nodePools.general.minSize");
    expect(text).toContain("trading-api (hard zone spread)");
    expect(text).toContain("Elasticsearch nodes");
  });
});

describe("no idle GPUs", () => {
  it.each(STACKS)("%s: the GPU pool costs nothing at minimum without a served model, and prod's minimum drops by its two former g4dn.xlarge nodes", (stack) => {
    const cost = estimateCost(new ResourceIndex(runs[stack].resources), PRICES_AP_NORTHEAST_2);
    const gpu = cost.lines.find((l) => l.name === "cluster-ai-inference-ng");
    expect(gpu?.monthlyMin).toBe(0);
    expect(gpu?.monthlyMax).toBeGreaterThan(0);
    if (stack === "prod") {
      // Before issue 20: 2 x (g4dn.xlarge 0.647/h x 730 h + its 100 GiB gp3 disk) at minimum.
      const perNode = (gpu?.monthlyMax ?? 0) / 5;
      expect(perNode).toBeGreaterThan(0.647 * 730);
      expect(2 * perNode).toBeGreaterThan(940);
    }
  });
});
