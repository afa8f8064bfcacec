import { CapacityReport } from "../insights/capacity";

import { section, table } from "./format";

const n = (x: number): string => Math.round(x).toLocaleString("en-US");

/** The plan's capacity section (tools/insights/capacity.ts): throughput, connection budgets, Redis, and what to change. */
export function renderCapacity(c: CapacityReport): string[] {
  const out = section("Capacity (orders/s, connections, cache)");
  const t = c.throughput;
  if (t) {
    out.push(
      ...table(
        [
          ["per pod (entasis:workloads.capacity.ordersPerSecondPerPod)", `${n(t.ordersPerSecondPerPod)} orders/s`],
          [`pods per ${t.instanceType} node (requests vs allocatable)`, String(t.podsPerNode)],
          [`at maximum: HPA ${t.hpaMaxReplicas}, pool ${t.pool} ${t.poolMaxNodes} nodes`, `${t.pods} pods (limited by ${t.limitedBy === "hpa" ? "the HPA" : "the pool"}) = ${n(t.ordersPerSecond)} orders/s`],
          [`one of ${t.zones} zones lost (before the autoscaler refills)`, `${t.zoneLost.pods} pods on ${t.zoneLost.nodes} nodes = ${n(t.zoneLost.ordersPerSecond)} orders/s`],
          [`target${c.target.enforced ? "" : " (not enforced outside prod)"}`, `${n(c.target.ordersPerSecond)} orders/s; ${n(c.target.zoneLostOrdersPerSecond)} with a zone lost`],
        ],
        ["throughput", "value"],
      ),
    );
    out.push("Upper bound: the platform's own pods on the same pool (monitoring, logging, operators) take part of each node.");
  }
  const b = c.connections;
  out.push("");
  out.push(
    ...table(
      [
        ["trading-api at peak (HPA max + 1 surge) x pool size", `${b.peakPods} x ${b.poolSizePerPod} = ${b.demand}`],
        [`PostgreSQL max_connections${b.proxyPercent !== undefined ? ` x RDS Proxy ${b.proxyPercent}%` : " minus reserved"}`, `${b.maxConnections} -> ${b.supply} (${b.via})`],
        ["largest HPA maximum that fits", String(b.maxHpaReplicas)],
        ["time-series PgBouncer (instances x pool x db/user pairs)", `${c.timeseries.poolerInstances} x ${c.timeseries.defaultPoolSize} x ${c.timeseries.databases} = ${c.timeseries.serverConnections} of ${c.timeseries.supply} (max_connections ${c.timeseries.maxConnections})`],
        [`Redis ${c.redis.nodeType}`, `${c.redis.usableMiB ?? "?"} MiB usable for a ${c.redis.cacheMemoryMiB} MiB cache; ${c.redis.maxmemoryPolicy}, TTL ${c.redis.defaultTtlSeconds} s`],
      ],
      ["budget", "value"],
    ),
  );
  out.push("");
  for (const f of c.findings) out.push(`${f.severity === "problem" ? "CHANGE" : f.severity === "ok" ? "ok" : "note"}: ${f.text}${f.key && f.severity !== "ok" ? ` [${f.key}]` : ""}`);
  return out;
}
