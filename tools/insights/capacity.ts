import { ConnectionBudget, connectionBudget } from "../../lib/connectionBudget";
import { CACHE_NODE_MEMORY_GIB, RESERVED_MEMORY_PERCENT } from "../../lib/cacheNodeTypes";
import { INSTANCE_SIZES, InstanceSize, allocatableOf, DAEMONSET_RESERVE } from "../../lib/instanceTypes";
import { GENERAL_POOL_SELECTOR } from "../../components/cluster/clusterSettings";
import { cpuMillis, memoryBytes } from "../../stacks/schema/workloads";
import type { ValidatedStackConfig } from "../../stacks/schema/stack";
import { collectorTimeseriesConsumers } from "../../stacks/collectors";

/** The spec's throughput target (002: "10,000+ orders/sec") and the share that must survive a lost zone. */
export const TARGET_ORDERS_PER_SECOND = 10_000;
export const ZONE_LOST_SHARE = 0.75;
/** PostgreSQL's default `max_connections`; the time-series cluster does not change it. */
export const POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;
/** PostgreSQL's superuser_reserved_connections default. */
const PG_SUPERUSER_RESERVED = 3;

export interface ThroughputFigures {
  readonly pool: string;
  readonly instanceType: string;
  readonly poolMaxNodes: number;
  /** trading-api pods one node of the pool holds by its requests, after kubelet and DaemonSet reserves. */
  readonly podsPerNode: number;
  readonly hpaMaxReplicas: number;
  readonly ordersPerSecondPerPod: number;
  /** Pods at the pool's and the HPA's maximum, and what limits them. */
  readonly pods: number;
  readonly limitedBy: "hpa" | "pool";
  readonly ordersPerSecond: number;
  readonly zones: number;
  /** The moment a zone is lost: its pods and nodes are gone (spread evenly, so the worst zone held ceil(n / zones)). */
  readonly zoneLost: { readonly pods: number; readonly nodes: number; readonly ordersPerSecond: number };
}

export interface CapacityFinding {
  readonly severity: "problem" | "ok" | "note";
  /** The config key to change, when there is one. */
  readonly key?: string;
  readonly text: string;
}

export interface CapacityReport {
  readonly stack: string;
  readonly environment: string;
  readonly throughput?: ThroughputFigures;
  readonly target: { readonly ordersPerSecond: number; readonly zoneLostOrdersPerSecond: number; readonly enforced: boolean };
  readonly connections: ConnectionBudget & { readonly via: "RDS Proxy" | "direct" };
  readonly timeseries: { readonly poolerInstances: number; readonly defaultPoolSize: number; readonly databases: number; readonly serverConnections: number; readonly maxClientConnections: number; readonly maxConnections: number; readonly supply: number; readonly ok: boolean };
  readonly redis: { readonly nodeType: string; readonly nodeMemoryMiB?: number; readonly usableMiB?: number; readonly cacheMemoryMiB: number; readonly maxmemoryPolicy: string; readonly defaultTtlSeconds: number; readonly ok?: boolean };
  readonly findings: readonly CapacityFinding[];
}

/** trading-api pods one node holds: its requests against the smallest type's allocatable minus the DaemonSet reserve. */
export function podsPerNode(size: InstanceSize, cpuRequestMillis: number, memoryRequestMiB: number): number {
  const a = allocatableOf(size);
  return Math.max(0, Math.min(Math.floor((a.cpuMillis - DAEMONSET_RESERVE.cpuMillis) / cpuRequestMillis), Math.floor((a.memoryMiB - DAEMONSET_RESERVE.memoryMiB) / memoryRequestMiB)));
}

/** Pods and nodes left the moment one of `zones` is lost, when `n` are spread evenly (maxSkew 1). */
export function leftAfterZoneLoss(n: number, zones: number): number {
  return zones <= 1 ? 0 : n - Math.ceil(n / zones);
}

export function throughputOf(config: ValidatedStackConfig): ThroughputFigures | undefined {
  const entry = Object.entries(config.cluster.nodePools).find(([name, p]) => (p.labels.role ?? name) === GENERAL_POOL_SELECTOR.role);
  if (!entry) return undefined;
  const [pool, p] = entry;
  const sized = p.instanceTypes.filter((t) => INSTANCE_SIZES[t] !== undefined).sort((a, b) => INSTANCE_SIZES[a].vcpu - INSTANCE_SIZES[b].vcpu || INSTANCE_SIZES[a].memoryGiB - INSTANCE_SIZES[b].memoryGiB);
  const instanceType = sized[0];
  if (!instanceType) return undefined;
  const w = config.workloads;
  const perNode = podsPerNode(INSTANCE_SIZES[instanceType], cpuMillis(w.resources.requests.cpu), memoryBytes(w.resources.requests.memory) / 2 ** 20);
  const perPod = w.capacity.ordersPerSecondPerPod;
  const hpa = w.hpa.maxReplicas;
  const pods = Math.min(hpa, p.maxSize * perNode);
  const zones = config.network.availabilityZones.length;
  const nodesLeft = leftAfterZoneLoss(p.maxSize, zones);
  const podsLeft = Math.min(leftAfterZoneLoss(hpa, zones), nodesLeft * perNode);
  return {
    pool,
    instanceType,
    poolMaxNodes: p.maxSize,
    podsPerNode: perNode,
    hpaMaxReplicas: hpa,
    ordersPerSecondPerPod: perPod,
    pods,
    limitedBy: hpa <= p.maxSize * perNode ? "hpa" : "pool",
    ordersPerSecond: pods * perPod,
    zones,
    zoneLost: { pods: podsLeft, nodes: nodesLeft, ordersPerSecond: podsLeft * perPod },
  };
}

/** The smallest HPA maximum whose pods, spread over `zones`, keep `needed` after losing one. */
function hpaForZoneLoss(needed: number, zones: number): number {
  let n = needed;
  while (leftAfterZoneLoss(n, zones) < needed && n < 10_000) n++;
  return n;
}

/** What to change when a stack misses the target: the binding key first, with the value that meets it. */
function throughputFindings(t: ThroughputFigures, enforced: boolean): CapacityFinding[] {
  const findings: CapacityFinding[] = [];
  const target = TARGET_ORDERS_PER_SECOND;
  const zoneTarget = target * ZONE_LOST_SHARE;
  const podsNeeded = Math.ceil(target / t.ordersPerSecondPerPod);
  const zonePodsNeeded = Math.ceil(zoneTarget / t.ordersPerSecondPerPod);
  const severity = enforced ? "problem" : "note";
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
  const poolKey = `entasis:cluster.nodePools.${t.pool}.maxSize`;
  if (t.ordersPerSecond < target) {
    const nodes = Math.ceil(podsNeeded / Math.max(t.podsPerNode, 1));
    const changes = [t.hpaMaxReplicas < podsNeeded ? `entasis:workloads.hpa.maxReplicas to at least ${podsNeeded}` : undefined, t.poolMaxNodes < nodes ? `${poolKey} to at least ${nodes}` : undefined].filter((x): x is string => x !== undefined);
    findings.push({ severity, key: t.limitedBy === "hpa" ? "entasis:workloads.hpa.maxReplicas" : poolKey, text: `${fmt(t.ordersPerSecond)} orders/s at maximum is below the spec's ${fmt(target)}; set ${changes.join(" and ")}` });
  } else {
    findings.push({ severity: "ok", text: `${fmt(t.ordersPerSecond)} orders/s at maximum meets the spec's ${fmt(target)} (${podsNeeded} pods needed, ${t.pods} possible)` });
  }
  if (t.zoneLost.ordersPerSecond < zoneTarget) {
    const hpa = hpaForZoneLoss(zonePodsNeeded, t.zones);
    const nodes = hpaForZoneLoss(Math.ceil(zonePodsNeeded / Math.max(t.podsPerNode, 1)), t.zones);
    const changes = [t.hpaMaxReplicas < hpa ? `entasis:workloads.hpa.maxReplicas to at least ${hpa}` : undefined, t.poolMaxNodes < nodes ? `${poolKey} to at least ${nodes}` : undefined, t.zones < 2 ? "entasis:network.availabilityZones to 2 or more" : undefined].filter((x): x is string => x !== undefined);
    findings.push({ severity, key: changes.length > 0 ? changes[0].split(" ")[0] : undefined, text: `${fmt(t.zoneLost.ordersPerSecond)} orders/s with a zone lost is below ${fmt(zoneTarget)} (75% of the target); set ${changes.join(" and ") || "more capacity"}` });
  } else {
    findings.push({ severity: "ok", text: `${fmt(t.zoneLost.ordersPerSecond)} orders/s with a zone lost keeps ${fmt(zoneTarget)} (75% of the target) until the autoscaler replaces the lost nodes` });
  }
  return findings;
}

/** The capacity section of the plan: throughput at maximum and with a zone lost, the connection budgets, Redis memory. */
export function analyseCapacity(config: ValidatedStackConfig): CapacityReport {
  const enforced = config.environment === "prod";
  const findings: CapacityFinding[] = [];
  const throughput = throughputOf(config);
  if (throughput) findings.push(...throughputFindings(throughput, enforced));
  else findings.push({ severity: "note", text: "no general pool with a known instance size: throughput not computed (lib/instanceTypes.ts)" });

  const pg = config.data.postgres;
  const via = pg.proxy.enabled ? "RDS Proxy" : "direct";
  const budget = connectionBudget({ hpaMaxReplicas: config.workloads.hpa.maxReplicas, poolSizePerPod: config.workloads.capacity.dbPoolSize, maxConnections: pg.maxConnections, proxyPercent: pg.proxy.enabled ? pg.proxy.maxConnectionsPercent : undefined });
  findings.push(
    budget.ok
      ? { severity: "ok", text: `database connections: ${budget.demand} at peak (${budget.peakPods} pods x ${budget.poolSizePerPod}) of ${budget.supply} (${via}; HPA maximum up to ${budget.maxHpaReplicas} fits)` }
      : { severity: "problem", key: "entasis:workloads.hpa.maxReplicas", text: `database connections: ${budget.demand} at peak exceed the ${budget.supply} available (${via}); use at most ${budget.maxHpaReplicas} replicas or raise entasis:data.postgres.maxConnections` },
  );

  const ts = config.timeseries;
  // Every role the Cluster manages: the configured consumers and the ones the collectors bring
  // (a role per feed in the market-data database, and its owner when no consumer owns it), as
  // buildPlatform passes them to the time-series tier.
  const consumers = { ...ts.consumers, ...collectorTimeseriesConsumers(config.collectors, ts.consumers) };
  const databases = new Set(Object.values(consumers).map((c) => `${c.database}/${c.username}`)).size;
  // PgBouncer opens up to default_pool_size server connections per database/user pair, per pooler instance.
  const serverConnections = ts.pooler.instances * ts.pooler.defaultPoolSize * Math.max(databases, 1);
  const tsSupply = POSTGRES_DEFAULT_MAX_CONNECTIONS - PG_SUPERUSER_RESERVED;
  const timeseries = { poolerInstances: ts.pooler.instances, defaultPoolSize: ts.pooler.defaultPoolSize, databases, serverConnections, maxClientConnections: ts.pooler.maxClientConnections, maxConnections: POSTGRES_DEFAULT_MAX_CONNECTIONS, supply: tsSupply, ok: serverConnections <= tsSupply };
  findings.push(
    timeseries.ok
      ? { severity: "ok", text: `time-series pooler: up to ${serverConnections} server connections (${ts.pooler.instances} PgBouncer x ${ts.pooler.defaultPoolSize} x ${databases} database/user pairs) of ${tsSupply}; ${ts.pooler.maxClientConnections} clients each` }
      : { severity: enforced ? "problem" : "note", key: "entasis:timeseries.pooler.defaultPoolSize", text: `time-series pooler: ${serverConnections} server connections exceed the ${tsSupply} PostgreSQL accepts; use at most ${Math.floor(tsSupply / (ts.pooler.instances * Math.max(databases, 1)))}` },
  );

  const r = config.data.redis;
  const gib = CACHE_NODE_MEMORY_GIB[r.nodeType];
  const nodeMemoryMiB = gib !== undefined ? Math.round(gib * 1024) : undefined;
  const usableMiB = nodeMemoryMiB !== undefined ? Math.floor((nodeMemoryMiB * (100 - RESERVED_MEMORY_PERCENT)) / 100) : undefined;
  const redisOk = usableMiB !== undefined ? usableMiB >= r.cacheMemoryMiB : undefined;
  const redis = { nodeType: r.nodeType, nodeMemoryMiB, usableMiB, cacheMemoryMiB: r.cacheMemoryMiB, maxmemoryPolicy: r.maxmemoryPolicy, defaultTtlSeconds: r.defaultTtlSeconds, ok: redisOk };
  if (redisOk === undefined) findings.push({ severity: "note", text: `Redis ${r.nodeType}: memory unknown (lib/cacheNodeTypes.ts); cache of ${r.cacheMemoryMiB} MiB not checked` });
  else if (redisOk) findings.push({ severity: "ok", text: `Redis ${r.nodeType}: ${usableMiB} MiB usable (${RESERVED_MEMORY_PERCENT}% reserved) holds the ${r.cacheMemoryMiB} MiB cache; ${r.maxmemoryPolicy} eviction, ${r.defaultTtlSeconds} s TTL` });
  else findings.push({ severity: enforced ? "problem" : "note", key: "entasis:data.redis.nodeType", text: `Redis ${r.nodeType}: ${usableMiB} MiB usable cannot hold the ${r.cacheMemoryMiB} MiB cache; pick a larger node type` });
  if (r.maxmemoryPolicy.startsWith("volatile") || r.maxmemoryPolicy === "noeviction") {
    findings.push({ severity: enforced ? "problem" : "note", key: "entasis:data.redis.maxmemoryPolicy", text: `${r.maxmemoryPolicy} evicts only keys with a TTL (or nothing): a full cache refuses writes; use allkeys-lru` });
  }

  return {
    stack: config.stack,
    environment: config.environment,
    throughput,
    target: { ordersPerSecond: TARGET_ORDERS_PER_SECOND, zoneLostOrdersPerSecond: TARGET_ORDERS_PER_SECOND * ZONE_LOST_SHARE, enforced },
    connections: { ...budget, via },
    timeseries,
    redis,
    findings,
  };
}
