import { RecordedResource } from "../offline/harness";
import { ResourceIndex, field, listOf, numOf, strListOf, strOf } from "./model";
import { ClusterLayout, NODE_GROUP, RELEASE, RecordedPool, selectedRoles } from "./pools";

const ZONE = "topology.kubernetes.io/zone";
const SUBNET = "aws:ec2/subnet:Subnet";

/** Pods bound to a zone, as the recorded program asks for them. */
export interface ZonalWorkload {
  /** Resource name, plus the part for releases (`...:prometheus`). */
  readonly name: string;
  readonly pool: string;
  readonly pods: number;
  /** Each pod keeps an EBS volume, which lives in one zone. */
  readonly volume: boolean;
  /** Spread over zones with DoNotSchedule, or required zone anti-affinity. */
  readonly zoneRule: boolean;
  /** Each pod on its own node (CloudNativePG instances). */
  readonly nodeEach: boolean;
}

export interface ZonalCheck extends ZonalWorkload {
  /** Zones of the stack with a node group of the pool that covers only that zone. */
  readonly zonesWithGroup: readonly string[];
  /** Zones whose group keeps at least one node at the pool's minimum. */
  readonly zonesWithNodeAtMin: readonly string[];
  /** Nodes of the pool at minimum. */
  readonly poolMin: number;
  readonly problems: readonly string[];
}

export interface ZonalCapacityReport {
  readonly zones: readonly string[];
  readonly checks: readonly ZonalCheck[];
  readonly ok: boolean;
}

/** Whether a pod spec (anywhere inside `value`) spreads over zones with DoNotSchedule. */
function hardZoneSpread(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hardZoneSpread);
  if (typeof value !== "object" || value === null) return false;
  for (const c of listOf(value, "topologySpreadConstraints")) if (strOf(c, "topologyKey") === ZONE && strOf(c, "whenUnsatisfiable") === "DoNotSchedule") return true;
  return Object.values(value).some(hardZoneSpread);
}

function single(pool: string | undefined, w: Omit<ZonalWorkload, "pool">): ZonalWorkload[] {
  return pool === undefined ? [] : [{ ...w, pool }];
}

/** The role a spec selects (first, sorted), or undefined when it selects none. */
function roleOf(spec: unknown): string | undefined {
  return [...selectedRoles(spec)].sort()[0];
}

/** Every pod-making object of the record whose pods need a node in a particular zone. */
export function zonalWorkloads(idx: ResourceIndex, system: string | undefined): ZonalWorkload[] {
  const out: ZonalWorkload[] = [];
  for (const r of idx.resources.filter((x) => x.custom)) {
    const spec = field(r.inputs, "spec");
    if (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") {
      const aff = field(spec, "affinity");
      const perZone = strOf(aff, "topologyKey") === ZONE && strOf(aff, "podAntiAffinityType") === "required";
      out.push(...single(roleOf(spec), { name: r.name, pods: numOf(spec, "instances") ?? 1, volume: true, zoneRule: perZone || hardZoneSpread(spec), nodeEach: true }));
    } else if (r.type.startsWith("kubernetes:elasticsearch.k8s.elastic.co/") && r.type.endsWith(":Elasticsearch")) {
      for (const ns of listOf(spec, "nodeSets")) {
        const pt = field(ns, "podTemplate");
        // ECK gives every node a 1Gi volume claim when none is set.
        out.push(...single(roleOf(pt) ?? system, { name: `${r.name}:${strOf(ns, "name") ?? "default"}`, pods: numOf(ns, "count") ?? 1, volume: true, zoneRule: hardZoneSpread(pt), nodeEach: false }));
      }
    } else if (r.type === RELEASE && strOf(r.inputs, "chart") === "kube-prometheus-stack") {
      const values = field(r.inputs, "values");
      const prom = field(field(values, "prometheus"), "prometheusSpec");
      const am = field(field(values, "alertmanager"), "alertmanagerSpec");
      if (field(prom, "storageSpec") !== undefined) out.push(...single(roleOf(prom) ?? system, { name: `${r.name}:prometheus`, pods: numOf(prom, "replicas") ?? 1, volume: true, zoneRule: hardZoneSpread(prom), nodeEach: false }));
      if (field(am, "storage") !== undefined) out.push(...single(roleOf(am) ?? system, { name: `${r.name}:alertmanager`, pods: numOf(am, "replicas") ?? 1, volume: true, zoneRule: hardZoneSpread(am), nodeEach: false }));
    } else if (r.type === "kubernetes:apps/v1:StatefulSet" || r.type === "kubernetes:apps/v1:Deployment") {
      const volume = listOf(spec, "volumeClaimTemplates").length > 0;
      const rule = hardZoneSpread(spec);
      if (volume || rule) out.push(...single(roleOf(spec) ?? system, { name: r.name, pods: numOf(spec, "replicas") ?? 1, volume, zoneRule: rule, nodeEach: false }));
    }
  }
  return out;
}

function zonesOf(idx: ResourceIndex, ng: RecordedResource): string[] {
  return [...new Set(strListOf(ng.inputs, "subnetIds").map((s) => strOf(idx.resolve(s, SUBNET)?.inputs, "availabilityZone") ?? s))].sort();
}

/**
 * At the pools' minimum, does every pod with a zonal volume or a required zone placement have a
 * node group in its zone? A volume can sit in any zone of the stack (the scheduler placed its first
 * pod there), so its pool needs a group scoped to each zone: the autoscaler can only add a node in
 * a given zone through a group of that zone alone. Zone rules need a node in as many zones as pods
 * (up to every zone) at minimum; CloudNativePG instances one node each.
 */
export function analyseZonalCapacity(idx: ResourceIndex): ZonalCapacityReport {
  const layout = new ClusterLayout(idx);
  const groups = idx.ofType(NODE_GROUP);
  const zones = [...new Set(groups.flatMap((g) => zonesOf(idx, g)))].sort();
  const byRole = new Map<string, RecordedPool>(layout.pools.map((p) => [p.role, p]));
  const checks = zonalWorkloads(idx, layout.systemPool?.role).map((w): ZonalCheck => {
    const pool = byRole.get(w.pool);
    const problems: string[] = [];
    const zonal = (pool?.nodeGroups ?? []).map((g) => ({ g, zones: zonesOf(idx, g) })).filter((x) => x.zones.length === 1);
    const zonesWithGroup = zones.filter((z) => zonal.some((x) => x.zones[0] === z && (numOf(field(x.g.inputs, "scalingConfig"), "maxSize") ?? 0) >= 1));
    const zonesWithNodeAtMin = zones.filter((z) => zonal.some((x) => x.zones[0] === z && (numOf(field(x.g.inputs, "scalingConfig"), "minSize") ?? 0) >= 1));
    if (!pool) problems.push(`no node pool with role ${w.pool}`);
    const missing = zones.filter((z) => !zonesWithGroup.includes(z));
    if (pool && missing.length > 0) problems.push(`no node group of pool ${w.pool} scoped to ${missing.join(", ")}: the autoscaler cannot add a node there for a pod whose volume or zone rule needs it`);
    const zonesNeeded = w.zoneRule ? Math.min(w.pods, zones.length) : 0;
    if (pool && zonesWithNodeAtMin.length < zonesNeeded) problems.push(`${w.pods} pod(s) spread over zones need a node in ${zonesNeeded} zones at minimum; pool ${w.pool} has one in ${zonesWithNodeAtMin.length} (${zonesWithNodeAtMin.join(", ") || "none"})`);
    const poolMin = pool?.minSize ?? 0;
    if (pool && w.nodeEach && poolMin < w.pods) problems.push(`${w.pods} pod(s) need a node each, pool ${w.pool} keeps ${poolMin} at minimum`);
    return { ...w, zonesWithGroup, zonesWithNodeAtMin, poolMin, problems };
  });
  return { zones, checks, ok: checks.every((c) => c.problems.length === 0) };
}
