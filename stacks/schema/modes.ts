import { deepMerge, isPlainObject } from "../../lib/merge";
import { ENVIRONMENT_DEFAULTS, Environment } from "./defaults";

/**
 * `entasis:mode`: the deployment modes of the spec (003 "Deployment Modes") mapped onto AWS. The
 * mode gives a stack its shape (zones, replicas, pool sizes, which services run); the
 * environment (`entasis:environment`) stays the owner label and the strictness (retention,
 * deletion protection, locks, and the checks prod runs: prod refuses a shape below `ha`).
 *
 * - `single`: dev's shape. One NAT gateway, single-AZ PostgreSQL, one Redis node, one broker,
 *   one TimescaleDB instance, spot pools where interruption is harmless, no read replica, no
 *   proxy, no DR copies. Pools still span two zones: EKS and RDS subnet groups require two.
 * - `ha`: multi-AZ data stores and pools, replicas of every stateful service, fixed-size pools (no
 *   autoscaling range), copies in a second region (entasis:backup.drRegion) restored by hand
 *   (docs/disaster-recovery.md), no GPU serving.
 * - `ha-scaled`: `ha` plus autoscaled pools, a read replica, RDS Proxy and the full service set
 *   (AI serving and pipelines): today's prod.
 * - `multi-region`: `ha-scaled`'s preset; the standby region and DNS failover are
 *   `entasis:failover`'s (stacks/schema/failover.ts), not the mode's.
 */
export const MODES = ["single", "ha", "ha-scaled", "multi-region"] as const;
export type Mode = (typeof MODES)[number];

/** The mode a stack file without `entasis:mode` runs: its environment's shape before modes existed. */
export const IMPLIED_MODE: Readonly<Record<Environment, Mode>> = { dev: "single", prod: "ha-scaled" };

/** Modes that keep copies in a second region and so need entasis:backup.drRegion. */
export const MODES_WITH_DR: readonly Mode[] = ["ha", "ha-scaled", "multi-region"];

/**
 * The keys that are shape, not strictness: the mode sets them, the environment's table does not.
 * Their values for `single` and `ha-scaled` are read from dev's and prod's tables in defaults.ts,
 * where they always were (dev's shape and today's prod), so those two presets cannot drift from them.
 */
export const SHAPE_PATHS: readonly string[] = [
  "network.natStrategy",
  "cluster.metricsServerReplicas",
  "cluster.certManagerReplicas",
  "data.postgres.multiAz",
  "data.postgres.proxy.enabled",
  "data.redis.nodes",
  "data.redis.automaticFailover",
  "data.redis.multiAz",
  "logging.elasticsearch.nodes",
  "logging.elasticsearch.storageGiB",
  "logging.elasticsearch.heapMiB",
  "logging.elasticsearch.resources",
  "logging.kibana",
  "logging.filebeat",
  "monitoring.prometheus.replicas",
  "monitoring.prometheus.storageGiB",
  "monitoring.alertmanager",
  "timeseries.instances",
  "timeseries.synchronousReplicas",
  "timeseries.storageGiB",
  "timeseries.walStorageGiB",
  "timeseries.resources",
  "timeseries.pooler.instances",
  "timeseries.operatorReplicas",
  "edge.lbControllerReplicas",
  "processing.spark.operatorReplicas",
  "processing.spark.driver",
  "processing.spark.executor",
  "processing.flink.taskManager",
  "ai.serving.minReplicas",
  "ai.serving.maxReplicas",
  "ai.pipelines.replicas",
  "messaging.hostInstanceType",
  "messaging.deploymentMode",
  "loadTest.workers",
  "mesh.istiodReplicas",
];

function getPath(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let cursor = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cursor[part];
    if (!isPlainObject(next)) cursor[part] = {};
    cursor = cursor[part] as Record<string, unknown>;
  }
  cursor[parts[parts.length - 1]] = value;
}

/** The shape keys of an environment's table (deep copies). */
export function shapeOf(table: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of SHAPE_PATHS) {
    const v = getPath(table, p);
    if (v !== undefined) setPath(out, p, JSON.parse(JSON.stringify(v)));
  }
  return out;
}

/** An environment's table without its shape keys: what the environment itself decides. */
export function strictnessOf(table: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(table)) as Record<string, unknown>;
  for (const p of SHAPE_PATHS) {
    const parts = p.split(".");
    const parent = getPath(out, parts.slice(0, -1).join("."));
    const owner = parts.length === 1 ? out : parent;
    if (isPlainObject(owner)) delete owner[parts[parts.length - 1]];
  }
  return out;
}

const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" };
const DATA_TAINT = { key: "workload", value: "data-processing", effect: "NO_SCHEDULE" };

/** Node pools, data-store sizes and job quotas of dev before modes existed (Pulumi.dev.yaml). */
const SINGLE_SIZES: Readonly<Record<string, unknown>> = {
  cluster: {
    nodePools: {
      general: { instanceTypes: ["c5.xlarge"], minSize: 2, desiredSize: 2, maxSize: 4, labels: { role: "general" } },
      // Spot where interruption is harmless: the GPU pool (idle at 0) and the batch pool.
      "ai-inference": { instanceTypes: ["g4dn.xlarge"], capacityType: "SPOT", amiType: "AL2023_x86_64_NVIDIA", minSize: 0, desiredSize: 0, maxSize: 2, labels: { role: "ai-inference" }, taints: [GPU_TAINT] },
      // Totals, split over the zones (one node group per zone): 1 for the TimescaleDB instance.
      "data-processing": { instanceTypes: ["r5.xlarge", "r5a.xlarge", "r6i.xlarge"], capacityType: "SPOT", minSize: 1, desiredSize: 1, maxSize: 3, labels: { role: "data-processing" }, taints: [DATA_TAINT] },
    },
  },
  data: { postgres: { instanceClass: "db.t4g.medium", allocatedStorageGiB: 20, maxAllocatedStorageGiB: 100 }, redis: { nodeType: "cache.t4g.small" } },
  // Validated together against the data-processing pool's largest size.
  processing: { spark: { quota: { cpu: 6, memoryGiB: 48, pods: 40 } }, flink: { quota: { cpu: 4, memoryGiB: 32, pods: 20 } } },
};

/** Node pools, data-store sizes and job quotas of prod before modes existed (Pulumi.prod.yaml). */
const HA_SCALED_SIZES: Readonly<Record<string, unknown>> = {
  cluster: {
    nodePools: {
      general: { instanceTypes: ["c5.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 10, labels: { role: "general" } },
      // 0 while no model is served (entasis:ai.examples.inferenceService off); validated against
      // the serving replicas once one is (stacks/schema/zonalCapacity.ts).
      "ai-inference": { instanceTypes: ["g4dn.xlarge"], amiType: "AL2023_x86_64_NVIDIA", minSize: 0, desiredSize: 0, maxSize: 5, labels: { role: "ai-inference" }, taints: [GPU_TAINT] },
      // Totals, split over the zones (one node group per zone): 3 = one TimescaleDB instance per zone.
      "data-processing": { instanceTypes: ["r5.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 8, labels: { role: "data-processing" }, taints: [DATA_TAINT] },
    },
  },
  data: {
    postgres: { instanceClass: "db.r7g.xlarge", allocatedStorageGiB: 200, maxAllocatedStorageGiB: 1000, replicas: { reporting: { instanceClass: "db.r7g.large" } } },
    redis: { nodeType: "cache.r7g.large" },
  },
  processing: { spark: { quota: { cpu: 40, memoryGiB: 320, pods: 200 } }, flink: { quota: { cpu: 16, memoryGiB: 128, pods: 50 } } },
};

/**
 * `ha`: prod's replicated shape at a fixed size. Pools run min = max (no autoscaling range), no
 * read replica and no RDS Proxy, no GPU pool and no AI serving; the job quotas fit the smaller
 * data-processing pool (3 x r5.2xlarge = 24 vCPU, 192 GiB).
 */
const HA_SIZES: Readonly<Record<string, unknown>> = {
  cluster: {
    nodePools: {
      general: { instanceTypes: ["c5.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 3, labels: { role: "general" } },
      "data-processing": { instanceTypes: ["r5.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 3, labels: { role: "data-processing" }, taints: [DATA_TAINT] },
    },
  },
  data: { postgres: { instanceClass: "db.r7g.large", allocatedStorageGiB: 100, maxAllocatedStorageGiB: 500, proxy: { enabled: false } }, redis: { nodeType: "cache.r7g.large" } },
  // The default Spark job runs 2 of prod's executors (1 + 2 x 4 vCPU), inside its quota.
  processing: { spark: { quota: { cpu: 12, memoryGiB: 96, pods: 60 }, executor: { instances: 2 } }, flink: { quota: { cpu: 6, memoryGiB: 48, pods: 20 } } },
  ai: { enabled: false },
};

const haScaled = deepMerge(shapeOf(ENVIRONMENT_DEFAULTS.prod), HA_SCALED_SIZES) as Readonly<Record<string, unknown>>;

/** What each mode sets, over the environment's strictness and under the stack file. */
export const MODE_PRESETS: Readonly<Record<Mode, Readonly<Record<string, unknown>>>> = {
  single: deepMerge(shapeOf(ENVIRONMENT_DEFAULTS.dev), SINGLE_SIZES) as Readonly<Record<string, unknown>>,
  ha: deepMerge(shapeOf(ENVIRONMENT_DEFAULTS.prod), HA_SIZES) as Readonly<Record<string, unknown>>,
  "ha-scaled": haScaled,
  "multi-region": haScaled,
};

const defaultsCache = new Map<string, Readonly<Record<string, unknown>>>();

/** Defaults of a stack: shared defaults and the environment's strictness, then its mode's shape. */
export function defaultsFor(environment: Environment, mode: Mode): Readonly<Record<string, unknown>> {
  const key = `${environment}/${mode}`;
  const cached = defaultsCache.get(key);
  if (cached) return cached;
  const merged = deepMerge(strictnessOf(ENVIRONMENT_DEFAULTS[environment]), MODE_PRESETS[mode]) as Readonly<Record<string, unknown>>;
  defaultsCache.set(key, merged);
  return merged;
}

/**
 * Leaf keys of a stack file, sorted against its defaults (environment and mode): `own` have no
 * default (names, CIDRs, versions, images: what no mode can know), `overrides` replace a default
 * of the mode, `redundant` repeat one (the file should leave them out). Arrays and scalars are
 * leaves; `values` are the file's `entasis:` areas by key.
 */
export function overridesOf(values: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): { readonly own: string[]; readonly overrides: string[]; readonly redundant: string[] } {
  const own: string[] = [];
  const overrides: string[] = [];
  const redundant: string[] = [];
  const walk = (v: unknown, d: unknown, path: string): void => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const [k, sub] of Object.entries(v)) walk(sub, isPlainObject(d) ? d[k] : undefined, `${path}.${k}`);
      return;
    }
    if (d === undefined) own.push(path);
    else if (JSON.stringify(v) === JSON.stringify(d)) redundant.push(path);
    else overrides.push(path);
  };
  for (const [k, v] of Object.entries(values)) walk(v, defaults[k], k);
  return { own, overrides, redundant };
}
