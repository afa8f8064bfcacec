import { INSTANCE_SIZES } from "../lib/instanceTypes";
import { StackRunResult } from "../tools/offline/harness";
import { CapacityReport, analyseCapacity, leftAfterZoneLoss, podsPerNode } from "../tools/insights/capacity";
import { configOfRun } from "../tools/insights/preflight";
import { buildReport } from "../tools/plan/report";
import { renderReport } from "../tools/plan/render";
import { renderCapacity } from "../tools/plan/renderCapacity";
import type { ValidatedStackConfig } from "../stacks/schema/stack";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, StackRunResult> = {};
const configs: Record<string, ValidatedStackConfig> = {};
beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    runs[stack] = await stackRun(stack);
    const c = configOfRun(runs[stack]);
    if (!c) throw new Error(`${stack}'s recorded config does not validate`);
    configs[stack] = c;
  }
});

/** prod's validated config with trading-api and its pool changed. */
function prodWith(change: { hpaMax?: number; poolMax?: number; cpu?: string }): ValidatedStackConfig {
  const c = configs.prod;
  const w = c.workloads;
  const general = c.cluster.nodePools.general;
  return {
    ...c,
    workloads: { ...w, hpa: { ...w.hpa, maxReplicas: change.hpaMax ?? w.hpa.maxReplicas }, resources: { ...w.resources, requests: { ...w.resources.requests, cpu: change.cpu ?? w.resources.requests.cpu } } },
    cluster: { ...c.cluster, nodePools: { ...c.cluster.nodePools, general: { ...general, maxSize: change.poolMax ?? general.maxSize } } },
  };
}
const problems = (r: CapacityReport): string[] => r.findings.filter((f) => f.severity === "problem").map((f) => `${f.key}: ${f.text}`);

describe("capacity of the real stacks", () => {
  it("computes pods per node from trading-api's requests and the instance's allocatable minus the DaemonSet reserve", () => {
    // c5.2xlarge: 7,910 m and 15,391 MiB allocatable, minus 400 m / 1,024 MiB: 7 pods of 1 CPU / 2 GiB.
    expect(podsPerNode(INSTANCE_SIZES["c5.2xlarge"], 1000, 2048)).toBe(7);
    expect(podsPerNode(INSTANCE_SIZES["c5.xlarge"], 1000, 2048)).toBe(3);
    expect([leftAfterZoneLoss(10, 3), leftAfterZoneLoss(10, 2), leftAfterZoneLoss(4, 2), leftAfterZoneLoss(5, 1)]).toEqual([6, 5, 2, 0]);
  });

  it("dev: 10 pods (HPA-bound) = 26,530 orders/s at maximum, 13,265 with one of two zones lost; 330 of 495 direct connections", () => {
    const r = analyseCapacity(configs.dev);
    expect(r.throughput).toEqual(expect.objectContaining({ pool: "general", instanceType: "c5.xlarge", podsPerNode: 3, pods: 10, limitedBy: "hpa", ordersPerSecond: 26_530, zones: 2, zoneLost: { pods: 5, nodes: 2, ordersPerSecond: 13_265 } }));
    expect(r.connections).toEqual(expect.objectContaining({ via: "direct", demand: 330, supply: 495, ok: true }));
    expect(r.target.enforced).toBe(false);
  });

  it("prod meets 10,000 orders/s and keeps 75% of it with a zone lost; 330 of 400 connections through RDS Proxy", () => {
    const r = analyseCapacity(configs.prod);
    expect(r.throughput).toEqual(expect.objectContaining({ instanceType: "c5.2xlarge", podsPerNode: 7, pods: 10, ordersPerSecond: 26_530, zones: 3, zoneLost: { pods: 6, nodes: 6, ordersPerSecond: 15_918 } }));
    expect(r.connections).toEqual(expect.objectContaining({ via: "RDS Proxy", demand: 330, supply: 400, maxHpaReplicas: 12 }));
    expect(r.timeseries).toEqual(expect.objectContaining({ serverConnections: 80, supply: 97, ok: true }));
    expect(r.redis).toEqual(expect.objectContaining({ nodeType: "cache.r7g.large", cacheMemoryMiB: 256, maxmemoryPolicy: "allkeys-lru", defaultTtlSeconds: 300, ok: true }));
    expect(r.target.enforced).toBe(true);
    expect(problems(r)).toEqual([]);
  });
});

describe("the plan says what to change when prod misses the target", () => {
  it("names the HPA maximum when it binds, with the value that meets 10,000 and the one that keeps 7,500 with a zone lost", () => {
    expect(problems(analyseCapacity(prodWith({ hpaMax: 3 })))).toEqual([
      "entasis:workloads.hpa.maxReplicas: 7,959 orders/s at maximum is below the spec's 10,000; set entasis:workloads.hpa.maxReplicas to at least 4",
      "entasis:workloads.hpa.maxReplicas: 5,306 orders/s with a zone lost is below 7,500 (75% of the target); set entasis:workloads.hpa.maxReplicas to at least 5",
    ]);
  });

  it("names the pool's maxSize when nodes bind", () => {
    // 4 CPUs per pod: one pod per c5.2xlarge, two nodes at most.
    const r = analyseCapacity(prodWith({ cpu: "4", poolMax: 2 }));
    expect(r.throughput).toEqual(expect.objectContaining({ podsPerNode: 1, pods: 2, limitedBy: "pool" }));
    expect(problems(r)).toEqual([
      "entasis:cluster.nodePools.general.maxSize: 5,306 orders/s at maximum is below the spec's 10,000; set entasis:cluster.nodePools.general.maxSize to at least 4",
      "entasis:cluster.nodePools.general.maxSize: 2,653 orders/s with a zone lost is below 7,500 (75% of the target); set entasis:cluster.nodePools.general.maxSize to at least 5",
    ]);
  });

  it("prints the section in the plan of both stacks, and CHANGE lines with the key for a failing prod", () => {
    for (const stack of ["dev", "prod"]) {
      const text = renderReport(buildReport(runs[stack]));
      expect(text).toContain("Capacity (orders/s, connections, cache)");
      expect(text).toMatch(/at maximum: HPA 10, pool general \d+ nodes +10 pods \(limited by the HPA\) = 26,530 orders\/s/);
      expect(text).toMatch(/one of \d zones lost .* orders\/s/);
      expect(text).toMatch(/trading-api at peak \(HPA max \+ 1 surge\) x pool size +11 x 30 = 330/);
    }
    const failing = renderCapacity(analyseCapacity(prodWith({ hpaMax: 3 }))).join("\n");
    expect(failing).toContain("CHANGE: 7,959 orders/s at maximum is below the spec's 10,000; set entasis:workloads.hpa.maxReplicas to at least 4 [entasis:workloads.hpa.maxReplicas]");
  });
});

describe("the time-series pooler's server connections", () => {
  it("count every role the Cluster manages, the collectors' included: 4 user/database pairs in both stacks, as the recorded Pooler and Cluster have", () => {
    for (const [stack, instances] of [["dev", 1], ["prod", 2]] as const) {
      const r = analyseCapacity(configs[stack]);
      const cluster = runs[stack].resources.find((x) => x.type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
      const roles = ((cluster?.inputs.spec as { managed: { roles: { name: string }[] } }).managed.roles).map((x) => x.name).sort();
      expect(roles).toEqual(["analytics_ts", "collector_data_feed", "collector_exchange_api", "market_data"]);
      const pooler = runs[stack].resources.find((x) => x.type === "kubernetes:postgresql.cnpg.io/v1:Pooler");
      const poolSize = Number((pooler?.inputs.spec as { pgbouncer: { parameters: Record<string, string> } }).pgbouncer.parameters.default_pool_size);
      expect(r.timeseries).toEqual(expect.objectContaining({ poolerInstances: instances, databases: roles.length, defaultPoolSize: poolSize, serverConnections: instances * poolSize * roles.length, ok: true }));
    }
  });

  it("flags prod when the pairs x PgBouncers x pool size exceed what PostgreSQL accepts, with the largest pool size that fits", () => {
    const c = configs.prod;
    const r = analyseCapacity({ ...c, timeseries: { ...c.timeseries, pooler: { ...c.timeseries.pooler, defaultPoolSize: 20 } } });
    expect(r.timeseries).toEqual(expect.objectContaining({ databases: 4, serverConnections: 160, supply: 97, ok: false }));
    expect(problems(r)).toEqual(["entasis:timeseries.pooler.defaultPoolSize: time-series pooler: 160 server connections exceed the 97 PostgreSQL accepts; use at most 12"]);
  });
});
