import { CHARTS } from "../../lib/helmCharts";
import { POD_MAKING_KINDS } from "../../lib/podKinds";
import { RecordedResource } from "../offline/harness";
import { ResourceIndex, field, listOf, numOf, strOf } from "./model";

export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const ADDON = "aws:eks/addon:Addon";

/** Built-in kinds whose objects make pods. */
const POD_MAKING_BUILTIN = new Set(POD_MAKING_KINDS);
/** Custom kinds whose operators make pods (ECK, Prometheus Operator). */
const POD_MAKING_CUSTOM_GROUPS = new Set([
  "elasticsearch.k8s.elastic.co",
  "kibana.k8s.elastic.co",
  "beat.k8s.elastic.co",
  "agent.k8s.elastic.co",
  "apm.k8s.elastic.co",
  "enterprisesearch.k8s.elastic.co",
  "maps.k8s.elastic.co",
  "logstash.k8s.elastic.co",
]);
const POD_MAKING_CUSTOM_KINDS = new Set(["monitoring.coreos.com/Prometheus", "monitoring.coreos.com/Alertmanager", "monitoring.coreos.com/ThanosRuler"]);

/** `kubernetes:<group>/<version>:<Kind>` -> group ("core" for the core group) and kind. */
export function kubernetesKind(type: string): { group: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!m) return undefined;
  const apiVersion = m[1];
  return { group: apiVersion.includes("/") ? apiVersion.split("/")[0] : "core", kind: m[2] };
}

/** Helm releases and every Kubernetes object that makes pods (workloads and operator-managed kinds). */
export function makesPods(r: RecordedResource): boolean {
  if (!r.custom) return false;
  if (r.type === RELEASE || POD_MAKING_BUILTIN.has(r.type)) return true;
  const k = kubernetesKind(r.type);
  return k !== undefined && (POD_MAKING_CUSTOM_GROUPS.has(k.group) || POD_MAKING_CUSTOM_KINDS.has(`${k.group}/${k.kind}`));
}

/** A node pool as its node groups registered it (one, or one per zone), grouped by their `role` label. */
export interface RecordedPool {
  readonly role: string;
  readonly nodeGroups: readonly RecordedResource[];
  readonly tainted: boolean;
  /** Sum of the groups' minimum sizes. */
  readonly minSize: number;
}

/**
 * `role` values a pod spec (or a chart's values) selects nodes by, anywhere inside it: `nodeSelector`
 * maps and required node-affinity `role In [...]` expressions.
 */
export function selectedRoles(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) selectedRoles(v, out);
    return out;
  }
  if (typeof value !== "object" || value === null) return out;
  const role = strOf(field(value, "nodeSelector"), "role");
  if (role !== undefined) out.add(role);
  if (strOf(value, "key") === "role" && strOf(value, "operator") === "In") for (const v of listOf(value, "values")) if (typeof v === "string") out.add(v);
  for (const v of Object.values(value)) selectedRoles(v, out);
  return out;
}

const PER_NODE_AGENT_CHARTS = new Set<string>(Object.values(CHARTS).filter((c) => "perNodeAgent" in c && c.perNodeAgent).map((c) => c.chart));

export interface PoolNeeds {
  /** Node groups the object's pods need before it can become ready. */
  readonly required: readonly RecordedPool[];
  /** Node groups it must never wait for (pools it does not run on, or pools a per-node agent serves). */
  readonly forbidden: readonly RecordedPool[];
  readonly reason: string;
}

/** The node pools, the system pool (untainted, never below one node) and CoreDNS, read from the record. */
export class ClusterLayout {
  readonly pools: readonly RecordedPool[];
  readonly systemPool?: RecordedPool;
  readonly coreDns?: RecordedResource;

  constructor(idx: ResourceIndex) {
    const byRole = new Map<string, RecordedResource[]>();
    for (const ng of idx.ofType(NODE_GROUP)) {
      const role = strOf(field(ng.inputs, "labels"), "role") ?? ng.name;
      byRole.set(role, [...(byRole.get(role) ?? []), ng]);
    }
    this.pools = [...byRole].map(([role, groups]) => ({
      role,
      nodeGroups: groups,
      tainted: groups.some((ng) => listOf(ng.inputs, "taints").length > 0),
      minSize: groups.reduce((sum, ng) => sum + (numOf(field(ng.inputs, "scalingConfig"), "minSize") ?? 0), 0),
    }));
    this.systemPool = [...this.pools].sort((a, b) => a.role.localeCompare(b.role)).find((p) => !p.tainted && p.minSize >= 1);
    this.coreDns = idx.ofType(ADDON).find((a) => strOf(a.inputs, "addonName") === "coredns");
  }

  /** Which pools a pod-making object needs, derived from its node selection (values for a release). */
  needs(r: RecordedResource): PoolNeeds {
    const system = this.systemPool ? [this.systemPool] : [];
    const others = (keep: readonly RecordedPool[]): RecordedPool[] => this.pools.filter((p) => !keep.includes(p));
    const spec = r.type === RELEASE ? field(r.inputs, "values") : field(r.inputs, "spec");
    const roles = selectedRoles(spec);
    if (r.type === RELEASE && PER_NODE_AGENT_CHARTS.has(strOf(r.inputs, "chart") ?? "")) {
      return { required: system, forbidden: others(system), reason: `per-node agent for ${[...roles].join(", ") || "every pool"}: its install needs none of those nodes` };
    }
    if (roles.size === 0) return { required: system, forbidden: others(system), reason: "no node selection: untainted nodes, the system pool" };
    const chosen = this.pools.filter((p) => roles.has(p.role));
    // Every pod needs CoreDNS, which runs on the system pool: waiting for that pool through CoreDNS is
    // required, never a wait on a pool the object does not run on.
    return { required: chosen, forbidden: others([...chosen, ...system]), reason: `selects role ${[...roles].sort().join(", ")}` };
  }
}
