import { insightsOf } from "../tools/insights";
import { durationOf } from "../tools/insights/durations";
import { ResourceIndex } from "../tools/insights/model";
import { analysePodRequests, cpuMillisOf, memoryMiBOf } from "../tools/insights/podRequests";
import { PRICES_AP_NORTHEAST_2 } from "../tools/insights/prices-ap-northeast-2";
import { named } from "./support/query";
import { recordedRuns } from "./support/runs";

const runs = recordedRuns(["dev", "prod"]);

describe("the plan's views of the collectors and the mesh", () => {
  it("counts the pods' requests per pool: collectors on general, istiod on the system pool, the node agents on every node of every pool", () => {
    const rows = insightsOf(runs.prod, "ap-northeast-2").podRequests.rows;
    const row = (area: string, pool: string) => rows.find((r) => r.area === area && r.pool === pool);
    // Two feeds x 2 replicas x 250m / 256Mi.
    expect(row("collectors", "general")).toMatchObject({ cpuMillis: { min: 1000, max: 1000 }, memoryMiB: { min: 1024, max: 1024 } });
    // prod pools: general 3..10, ai-inference 0..5 (no model served), data-processing 3..8 nodes; cni 100m/100Mi + ztunnel 200m/512Mi per node; istiod 2 x 500m/2048Mi.
    expect(row("mesh", "general")).toMatchObject({ cpuMillis: { min: 1000 + 3 * 300, max: 1000 + 10 * 300 }, memoryMiB: { min: 4096 + 3 * 612, max: 4096 + 10 * 612 } });
    expect(row("mesh", "ai-inference")).toMatchObject({ cpuMillis: { min: 0, max: 1500 } });
    expect(row("mesh", "data-processing")).toMatchObject({ cpuMillis: { min: 900, max: 2400 } });
    // Each workload priced as its dominant share of the pool's node, c5.2xlarge (8 vCPU, 16 GiB):
    // istiod memory 4096/16384, cni CPU 300/8000, ztunnel memory 1536/16384 at the minimum size.
    const general = row("mesh", "general");
    const share = 4096 / 16384 + 300 / 8000 + 1536 / 16384;
    expect(general?.monthlyUsd?.min).toBeCloseTo(share * PRICES_AP_NORTHEAST_2.ec2["c5.2xlarge"].usd * PRICES_AP_NORTHEAST_2.hoursPerMonth, 2);
    expect(rows.map((r) => r.area).every((a) => a === "collectors" || a === "mesh")).toBe(true);
  });

  it("reads quantities as Kubernetes writes them", () => {
    expect([cpuMillisOf("250m"), cpuMillisOf("1"), cpuMillisOf("0.5")]).toEqual([250, 1000, 500]);
    expect([memoryMiBOf("512Mi"), memoryMiBOf("2Gi"), memoryMiBOf("1024Ki")]).toEqual([512, 2048, 1]);
    expect(analysePodRequests(new ResourceIndex(runs.dev.resources), undefined, ["collectors"]).rows.every((r) => r.monthlyUsd === undefined)).toBe(true);
  });

  it("times the mesh releases from their pins and puts them on the timeline", () => {
    const keys = ["mesh-base", "mesh-istiod", "mesh-cni", "mesh-ztunnel"].map((n) => durationOf(named(runs.dev, n, "kubernetes:helm.sh/v3:Release")));
    expect(keys.map((k) => [k.key, k.seconds, k.known])).toEqual([
      ["kubernetes:helm.sh/v3:Release (base)", 20, true],
      ["kubernetes:helm.sh/v3:Release (istiod)", 60, true],
      ["kubernetes:helm.sh/v3:Release (cni)", 45, true],
      ["kubernetes:helm.sh/v3:Release (ztunnel)", 45, true],
    ]);
  });

  it("places the collectors and istiod in the failure-domain view: redundant in prod, istiod a single point in dev", () => {
    const prod = insightsOf(runs.prod, "ap-northeast-2").failureDomains;
    expect(prod.verdict.ok).toBe(true);
    expect(prod.singlePoints.map((s) => s.name)).not.toEqual(expect.arrayContaining(["mesh-istiod"]));
    const degraded = prod.perZone.flatMap((z) => z.degraded).join("\n");
    expect(degraded).not.toContain("collectors-");
    const dev = insightsOf(runs.dev, "ap-northeast-2").failureDomains;
    expect(dev.singlePoints.find((s) => s.name === "mesh-istiod")?.why).toContain("mesh control plane (istiod x1)");
    // Two replicas spread over dev's two zones: no collector is a single point there either.
    expect(dev.singlePoints.filter((s) => s.name.startsWith("collectors-"))).toEqual([]);
  });
});
