import { gpusPerNode } from "../../lib/gpuInstances";
import { splitTotal } from "../../lib/zones";
import { GPU_POOL } from "./ai";
import { ClusterConfig } from "./cluster";
import { ConfigProblem } from "./problems";

/**
 * Zone-aware capacity: which pools run pods bound to a zone, and whether each pool's minimum can
 * place them. Pure (no Pulumi), used by validation and by the composition.
 *
 * The Cluster Autoscaler treats a node group as if every node it adds lands in one zone; a group
 * spanning several zones cannot be asked for a node in the zone a pending pod's EBS volume (or its
 * required one-per-zone placement) needs. So a pool with such pods gets one managed node group per
 * zone, and the autoscaler runs with `--balance-similar-node-groups`.
 * https://docs.aws.amazon.com/eks/latest/best-practices/cas.html (EBS volumes: "configure multiple
 * node groups, each scoped to a single Availability Zone")
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#common-notes-and-gotchas
 */

/** One kind of pod that needs a node in a particular zone, pinned to a pool. */
export interface ZonalDemand {
  /** The config key that sets how many there are (named in problems). */
  readonly key: string;
  readonly what: string;
  readonly pool: string;
  /** Pods at the stack's minimum. */
  readonly pods: number;
  /** Spread over zones with DoNotSchedule: needs a node in each of min(pods, zones) zones at minimum. */
  readonly spread: boolean;
  /** At most one pod per zone (required zone anti-affinity): pods may not exceed the zones. */
  readonly onePerZone: boolean;
  /** Each pod needs its own node (required host anti-affinity, or a node-sized request). */
  readonly nodeEach: boolean;
}

/** The parts of the validated areas that pin pods to pools (structural, so no import of stack.ts). */
export interface CapacityInputs {
  readonly cluster?: ClusterConfig;
  readonly network?: { readonly availabilityZones: readonly string[] };
  readonly timeseries?: { readonly pool: string; readonly instances: number };
  readonly logging?: { readonly elasticsearch: { readonly nodes: number } };
  readonly monitoring?: { readonly prometheus: { readonly replicas: number }; readonly alertmanager: { readonly replicas: number } };
  readonly workloads?: { readonly hpa: { readonly minReplicas: number } };
  readonly ai?: { readonly enabled: boolean; readonly examples: { readonly inferenceService: boolean }; readonly serving: { readonly minReplicas: number; readonly gpusPerReplica: number } };
}
type Areas = CapacityInputs;

/** The untainted pool with minSize >= 1 that runs the cluster-wide services (same pick as the Cluster component). */
export function systemPoolName(cluster: ClusterConfig): string | undefined {
  return Object.entries(cluster.nodePools).find(([, p]) => p.taints.length === 0 && p.minSize >= 1)?.[0];
}

/** Every zonal demand the configuration pins to a pool. */
export function zonalDemands(areas: Areas): ZonalDemand[] {
  const cluster = areas.cluster;
  if (!cluster) return [];
  const system = systemPoolName(cluster);
  const out: ZonalDemand[] = [];
  const ts = areas.timeseries;
  if (ts) {
    // dev: one instance; prod: one per zone with required zone anti-affinity (TimeseriesCluster).
    out.push({ key: "entasis:timeseries.instances", what: "TimescaleDB instances (PGDATA + WAL on EBS)", pool: ts.pool, pods: ts.instances, spread: ts.instances >= 2, onePerZone: ts.instances >= 2, nodeEach: true });
  }
  if (system) {
    const es = areas.logging?.elasticsearch;
    if (es) out.push({ key: "entasis:logging.elasticsearch.nodes", what: "Elasticsearch nodes (EBS volumes)", pool: system, pods: es.nodes, spread: es.nodes >= 2, onePerZone: false, nodeEach: false });
    const m = areas.monitoring;
    if (m) {
      out.push({ key: "entasis:monitoring.prometheus.replicas", what: "Prometheus replicas (EBS volumes)", pool: system, pods: m.prometheus.replicas, spread: false, onePerZone: false, nodeEach: false });
      out.push({ key: "entasis:monitoring.alertmanager.replicas", what: "Alertmanager replicas (EBS volumes)", pool: system, pods: m.alertmanager.replicas, spread: false, onePerZone: false, nodeEach: false });
    }
    const w = areas.workloads;
    // trading-api spreads over zones with whenUnsatisfiable DoNotSchedule: a scale-out in a zone
    // without room waits for a node in that zone.
    if (w) out.push({ key: "entasis:workloads.hpa.minReplicas", what: "trading-api (hard zone spread)", pool: system, pods: w.hpa.minReplicas, spread: true, onePerZone: false, nodeEach: false });
  }
  return out;
}

/** Pools that get one node group per zone: those with a zonal demand. */
export function zonalPools(areas: Areas): string[] {
  const pools = new Set(Object.keys(areas.cluster?.nodePools ?? {}));
  return [...new Set(zonalDemands(areas).map((d) => d.pool))].filter((p) => pools.has(p)).sort();
}

/**
 * Minimum GPU nodes the serving replicas need: 0 without a served model (no InferenceService), else
 * enough nodes for serving.minReplicas x gpusPerReplica.
 */
export function gpuNodesNeeded(areas: Areas): number | undefined {
  const ai = areas.ai;
  const pool = areas.cluster?.nodePools[GPU_POOL];
  if (!ai || !pool) return undefined;
  if (!ai.enabled || !ai.examples.inferenceService) return 0;
  const perNode = gpusPerNode(pool.instanceTypes);
  if (perNode === undefined || perNode === 0) return undefined;
  const replicasPerNode = Math.max(1, Math.floor(perNode / ai.serving.gpusPerReplica));
  return Math.ceil(ai.serving.minReplicas / replicasPerNode);
}

/** Checks the pools' minimums against what is pinned to them, naming the key to change. */
export function validateZonalCapacity(areas: Areas, clusterKey = "entasis:cluster"): ConfigProblem[] {
  const cluster = areas.cluster;
  const azs = areas.network?.availabilityZones ?? [];
  if (!cluster || azs.length === 0) return [];
  const problems: ConfigProblem[] = [];
  const zonal = new Set(zonalPools(areas));
  for (const poolName of zonal) {
    const pool = cluster.nodePools[poolName];
    const key = `${clusterKey}.nodePools.${poolName}`;
    const demands = zonalDemands(areas).filter((d) => d.pool === poolName);
    const perZoneMin = splitTotal(pool.minSize, azs);
    if (pool.maxSize < azs.length) {
      problems.push({ key: `${key}.maxSize`, value: pool.maxSize, problem: `is below the ${azs.length} zones; the pool has one node group per zone (zonal pods: ${demands.map((d) => d.what).join(", ")}), each needs maxSize >= 1`, fix: `use at least ${azs.length}` });
    }
    for (const d of demands) {
      if (d.onePerZone && d.pods > azs.length) {
        problems.push({ key: d.key, value: d.pods, problem: `places one pod per zone, but the stack has ${azs.length} zones`, fix: `use at most ${azs.length}, or add zones` });
      }
      const zonesNeeded = d.spread ? Math.min(d.pods, azs.length) : 0;
      const empty = azs.slice(0, zonesNeeded).filter((z) => perZoneMin[z] < 1);
      if (empty.length > 0) {
        problems.push({
          key: `${key}.minSize`,
          value: pool.minSize,
          problem: `leaves ${empty.join(", ")} without a node at minimum, but ${d.what} (${d.key} = ${d.pods}) need one node in each of ${zonesNeeded} zones`,
          fix: `use at least ${zonesNeeded} (split ${azs.length} ways: one node group per zone)`,
        });
      }
      if (d.nodeEach && pool.minSize < d.pods) {
        problems.push({ key: `${key}.minSize`, value: pool.minSize, problem: `cannot place the ${d.pods} ${d.what} (${d.key}) at minimum, one node each`, fix: `use at least ${d.pods}` });
      }
    }
  }
  const need = gpuNodesNeeded(areas);
  const gpu = cluster.nodePools[GPU_POOL];
  // Sizes that are already wrong (min > max) are reported by validateCluster alone.
  if (need !== undefined && gpu && gpu.minSize <= gpu.maxSize) {
    if (need === 0 && gpu.minSize > 0) {
      problems.push({ key: `${clusterKey}.nodePools.${GPU_POOL}.minSize`, value: gpu.minSize, problem: "keeps idle GPU nodes: no model is served (entasis:ai.examples.inferenceService is off)", fix: "use 0 (the autoscaler adds GPU nodes when a model is deployed)" });
    }
    if (need > 0 && gpu.minSize < need) {
      problems.push({ key: `${clusterKey}.nodePools.${GPU_POOL}.minSize`, value: gpu.minSize, problem: `is below the ${need} GPU node(s) the served model's entasis:ai.serving.minReplicas needs`, fix: `use at least ${need}` });
    }
  }
  return problems;
}
