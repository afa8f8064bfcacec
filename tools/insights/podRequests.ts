import { INSTANCE_SIZES } from "../../lib/instanceTypes";
import { RecordedResource } from "../offline/harness";
import { ResourceIndex, field, listOf, numOf, strListOf, strOf } from "./model";
import { ClusterLayout, NODE_GROUP, RELEASE, selectedRoles } from "./pools";
import { PriceTable } from "./prices-ap-northeast-2";

/**
 * What an area's pods reserve on the node pools (their requests), and the share of the pools' node
 * cost that reservation stands for: requested / node size of the dominant resource (CPU or memory)
 * x the node's hourly price. Pods of a Deployment count `replicas` times; a per-node agent (a
 * chart's DaemonSet) counts once per node of every pool, from the pools' minimum to maximum size.
 */
export interface AreaPoolRequests {
  readonly area: string;
  readonly pool: string;
  /** What runs there, e.g. `collectors-exchange-api-deployment x2`. */
  readonly workloads: readonly string[];
  readonly cpuMillis: { readonly min: number; readonly max: number };
  readonly memoryMiB: { readonly min: number; readonly max: number };
  /** Monthly cost of the node share the requests hold; undefined without a price or size for the pool's type. */
  readonly monthlyUsd?: { readonly min: number; readonly max: number };
}

export interface PodRequestsReport {
  readonly rows: readonly AreaPoolRequests[];
}

/** Requests of the Istio charts' pods, as the releases set them (values `resources.requests`), and how they run. */
const CHART_PODS: Readonly<Record<string, { readonly perNode: boolean; readonly replicasKey?: string }>> = {
  istiod: { perNode: false, replicasKey: "replicaCount" },
  cni: { perNode: true },
  ztunnel: { perNode: true },
};

export function cpuMillisOf(q: string | undefined): number {
  if (q === undefined) return 0;
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}
const UNITS: Readonly<Record<string, number>> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
export function memoryMiBOf(q: string | undefined): number {
  if (q === undefined) return 0;
  const unit = q.slice(-2);
  return unit in UNITS ? Number(q.slice(0, -2)) * UNITS[unit] : Number(q) / (1024 * 1024);
}

interface PodUse {
  readonly name: string;
  readonly roles: readonly string[];
  /** Pods per node (per-node agents) or in all (replicas). */
  readonly perNode: boolean;
  readonly count: number;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

function deploymentUse(r: RecordedResource): PodUse {
  const spec = field(r.inputs, "spec");
  const pod = field(field(spec, "template"), "spec");
  const containers = listOf(pod, "containers");
  const req = (c: unknown) => field(field(c, "resources"), "requests");
  return {
    name: r.name,
    roles: [...selectedRoles(pod)],
    perNode: false,
    count: numOf(spec, "replicas") ?? 1,
    cpuMillis: containers.reduce<number>((s, c) => s + cpuMillisOf(strOf(req(c), "cpu")), 0),
    memoryMiB: containers.reduce<number>((s, c) => s + memoryMiBOf(strOf(req(c), "memory")), 0),
  };
}

function releaseUse(r: RecordedResource): PodUse | undefined {
  const chart = CHART_PODS[strOf(r.inputs, "chart") ?? ""];
  if (!chart) return undefined;
  const values = field(r.inputs, "values");
  const req = field(field(values, "resources"), "requests");
  return {
    name: r.name,
    roles: [...selectedRoles(values)],
    perNode: chart.perNode,
    count: chart.replicasKey ? numOf(values, chart.replicasKey) ?? 1 : 1,
    cpuMillis: cpuMillisOf(strOf(req, "cpu")),
    memoryMiB: memoryMiBOf(strOf(req, "memory")),
  };
}

/** Requests of the given areas' pods per pool (all areas when none are named). */
export function analysePodRequests(idx: ResourceIndex, table: PriceTable | undefined, areas?: readonly string[]): PodRequestsReport {
  const layout = new ClusterLayout(idx);
  const pools = idx.ofType(NODE_GROUP).map((ng) => {
    const sc = field(ng.inputs, "scalingConfig");
    const itype = strListOf(ng.inputs, "instanceTypes")[0];
    return { role: strOf(field(ng.inputs, "labels"), "role") ?? ng.name, min: numOf(sc, "minSize") ?? 0, max: numOf(sc, "maxSize") ?? 0, size: itype ? INSTANCE_SIZES[itype] : undefined, price: itype ? table?.ec2[itype]?.usd : undefined };
  });
  const rows = new Map<string, { area: string; pool: string; workloads: string[]; cpu: [number, number]; mem: [number, number]; usd?: [number, number] }>();
  const add = (area: string, pool: (typeof pools)[number], label: string, cpu: [number, number], mem: [number, number]): void => {
    const key = `${area} ${pool.role}`;
    const row = rows.get(key) ?? { area, pool: pool.role, workloads: [], cpu: [0, 0], mem: [0, 0], usd: pool.size && pool.price !== undefined && table ? [0, 0] : undefined };
    row.workloads.push(label);
    row.cpu = [row.cpu[0] + cpu[0], row.cpu[1] + cpu[1]];
    row.mem = [row.mem[0] + mem[0], row.mem[1] + mem[1]];
    if (row.usd && pool.size && pool.price !== undefined && table) {
      const share = (c: number, m: number): number => Math.max(c / (pool.size ? pool.size.vcpu * 1000 : 1), m / (pool.size ? pool.size.memoryGiB * 1024 : 1));
      row.usd = [row.usd[0] + share(cpu[0], mem[0]) * pool.price * table.hoursPerMonth, row.usd[1] + share(cpu[1], mem[1]) * pool.price * table.hoursPerMonth];
    }
    rows.set(key, row);
  };
  for (const r of idx.resources.filter((x) => x.custom)) {
    const area = idx.area(r);
    if (areas && !areas.includes(area)) continue;
    const use = r.type === "kubernetes:apps/v1:Deployment" ? deploymentUse(r) : r.type === RELEASE ? releaseUse(r) : undefined;
    if (!use || (use.cpuMillis === 0 && use.memoryMiB === 0)) continue;
    if (use.perNode) {
      for (const pool of pools) add(area, pool, `${use.name} x${pool.min}..${pool.max} nodes`, [use.cpuMillis * pool.min, use.cpuMillis * pool.max], [use.memoryMiB * pool.min, use.memoryMiB * pool.max]);
      continue;
    }
    const role = use.roles[0] ?? layout.systemPool?.role;
    const pool = pools.find((p) => p.role === role);
    if (!pool) continue;
    add(area, pool, `${use.name} x${use.count}`, [use.cpuMillis * use.count, use.cpuMillis * use.count], [use.memoryMiB * use.count, use.memoryMiB * use.count]);
  }
  return {
    rows: [...rows.values()]
      .map((r) => ({ area: r.area, pool: r.pool, workloads: r.workloads, cpuMillis: { min: r.cpu[0], max: r.cpu[1] }, memoryMiB: { min: r.mem[0], max: r.mem[1] }, monthlyUsd: r.usd ? { min: r.usd[0], max: r.usd[1] } : undefined }))
      .sort((a, b) => a.area.localeCompare(b.area) || a.pool.localeCompare(b.pool)),
  };
}
