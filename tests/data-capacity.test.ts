import { cacheParameterFamily } from "../components/data/redis";
import { connectionBudget } from "../lib/connectionBudget";
import { RunResult } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { validateWith, withField } from "./support/config";
import { named } from "./support/query";
import { stackRun } from "./support/stackRuns";

const STACKS = ["dev", "prod"] as const;
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await stackRun(stack);
});
const area = (stack: string, key: string): Record<string, unknown> => JSON.parse(loadStackFile(stack).config[`entasis:${key}`]) as Record<string, unknown>;

describe.each(STACKS)("data tier sized for the load in %s", (stack) => {
  const run = (): RunResult => runs[stack];

  it("evicts by LRU: the replication group uses its own parameter group with maxmemory-policy allkeys-lru, family redis7", () => {
    const params = named(run(), "redis-params", "aws:elasticache/parameterGroup:ParameterGroup");
    expect(params.inputs.family).toBe("redis7");
    expect(params.inputs.parameters).toEqual([{ name: "maxmemory-policy", value: "allkeys-lru" }]);
    const group = named(run(), "redis-group", "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(group.inputs.parameterGroupName).toBe(params.inputs.name);
    expect(group.dependencies).toContain(params.urn);
  });

  it("sets PostgreSQL max_connections to the spec's 500 (static, at the next reboot)", () => {
    const params = named(run(), "postgres-params", "aws:rds/parameterGroup:ParameterGroup");
    const maxConnections = (params.inputs.parameters as { name: string; value: string; applyMethod: string }[]).filter((p) => p.name === "max_connections");
    expect(maxConnections).toEqual([{ name: "max_connections", value: "500", applyMethod: "pending-reboot" }]);
  });
});

describe("RDS Proxy and the connection budget", () => {
  it("lets prod's proxy open the spec's 400 of 500 connections (80%), which carries trading-api at its HPA maximum", () => {
    const tg = named(runs.prod, "postgres-proxy-default", "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup");
    expect(tg.inputs.connectionPoolConfig).toEqual(expect.objectContaining({ maxConnectionsPercent: 80 }));
    expect(connectionBudget({ hpaMaxReplicas: 10, poolSizePerPod: 30, maxConnections: 500, proxyPercent: 80 })).toEqual({ peakPods: 11, poolSizePerPod: 30, demand: 330, maxConnections: 500, proxyPercent: 80, supply: 400, maxHpaReplicas: 12, ok: true });
    expect(connectionBudget({ hpaMaxReplicas: 10, poolSizePerPod: 30, maxConnections: 500 })).toEqual(expect.objectContaining({ supply: 495, maxHpaReplicas: 15, ok: true }));
    expect(connectionBudget({ hpaMaxReplicas: 13, poolSizePerPod: 30, maxConnections: 500, proxyPercent: 80 }).ok).toBe(false);
  });

  it("accepts both stack files", () => {
    for (const stack of STACKS) expect(validateWith(stack)).toEqual({ ok: true, messages: [] });
  });

  it("rejects an HPA maximum whose pools exceed the proxy's share of max_connections, naming the key and the largest that fits", () => {
    const r = validateWith("prod", (a) => ({ ...a, workloads: withField(area("prod", "workloads"), ["hpa", "maxReplicas"], 20) }));
    expect(r.messages).toEqual([
      "entasis:workloads.hpa.maxReplicas 20 would exhaust the database connection budget: 21 pods (with one of rolling-update surge) x capacity.dbPoolSize 30 = 630 connections, more than the 400 connections RDS Proxy may open (entasis:data.postgres.maxConnections 500 x proxy.maxConnectionsPercent 80%); use at most 12, lower entasis:workloads.capacity.dbPoolSize, or raise entasis:data.postgres.maxConnections",
    ]);
  });

  it("rejects the same in dev, where pods connect directly, and when a lower max_connections or a larger pool breaks it", () => {
    expect(validateWith("dev", (a) => ({ ...a, workloads: withField(area("dev", "workloads"), ["hpa", "maxReplicas"], 20) })).messages).toEqual([
      expect.stringMatching(/^entasis:workloads\.hpa\.maxReplicas 20 would exhaust .* more than the 495 connections the database accepts \(entasis:data\.postgres\.maxConnections 500 minus 5 reserved\); use at most 15,/),
    ]);
    expect(validateWith("prod", (a) => ({ ...a, data: withField(area("prod", "data"), ["postgres", "maxConnections"], 300) })).messages).toEqual([expect.stringMatching(/^entasis:workloads\.hpa\.maxReplicas 10 would exhaust .* 240 connections RDS Proxy may open .*; use at most 7,/)]);
    expect(validateWith("prod", (a) => ({ ...a, workloads: withField(area("prod", "workloads"), ["capacity", "dbPoolSize"], 50) })).messages).toEqual([expect.stringMatching(/^entasis:workloads\.hpa\.maxReplicas 10 would exhaust .* x capacity\.dbPoolSize 50 = 550 connections/)]);
  });

  it("validates the Redis eviction policy's name", () => {
    expect(validateWith("dev", (a) => ({ ...a, data: withField(area("dev", "data"), ["redis", "maxmemoryPolicy"], "lru") })).messages).toEqual([expect.stringMatching(/^entasis:data\.redis\.maxmemoryPolicy "lru" is not allowed/)]);
  });
});

describe("parameter group family of each supported engine version", () => {
  it("follows CreateCacheParameterGroup's families", () => {
    expect(cacheParameterFamily("redis", "6.2")).toBe("redis6.x");
    expect(cacheParameterFamily("redis", "7.0")).toBe("redis7");
    expect(cacheParameterFamily("redis", "7.1")).toBe("redis7");
    expect(cacheParameterFamily("valkey", "7.2")).toBe("valkey7");
    expect(cacheParameterFamily("valkey", "8.1")).toBe("valkey8");
  });
});
