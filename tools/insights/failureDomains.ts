import { RecordedResource } from "../offline/harness";
import { ResourceIndex, boolOf, field, listOf, numOf, strListOf, strOf } from "./model";

/** Zone placement of a resource, derived from its inputs. */
interface Placement {
  readonly r: RecordedResource;
  /** Zones it occupies; empty when AWS picks one zone we cannot know offline. */
  readonly zones: readonly string[];
  /** Survives the loss of any one of its zones (replica or standby elsewhere). */
  readonly redundant: boolean;
  /** What it is, for the tables. */
  readonly role: string;
  /** Not on the serving path (e.g. the bastion): its loss is noted, not a point of failure. */
  readonly management: boolean;
  /** When it is not redundant, why it matters. */
  readonly impact: string;
}

export interface SinglePoint {
  readonly name: string;
  readonly type: string;
  /** The zone whose loss takes it down, or "one AZ chosen by AWS". */
  readonly zone: string;
  readonly why: string;
}

export interface ZoneImpact {
  readonly zone: string;
  /** Zonal resources that go down with the zone. */
  readonly lost: readonly string[];
  /** Multi-zone resources that keep running with less capacity or fail over. */
  readonly degraded: readonly string[];
  /** Things in other zones that break because they depend on something in this zone. */
  readonly collateral: readonly string[];
}

/** What the loss of the whole region leaves, and where. */
export interface RegionLoss {
  readonly region: string;
  /** The region of the stack's explicit AWS provider (entasis:backup.drRegion), if any. */
  readonly drRegion?: string;
  /** Copies outside the region: `<source>: <what> in <dr region>`. */
  readonly survives: readonly string[];
  /** Stateful stores with no copy outside the region, with why that matters or not. */
  readonly lost: readonly string[];
  /** prod must keep a copy of every store that holds data (caches and diagnostics excepted). */
  readonly requireDr: boolean;
  readonly ok: boolean;
  readonly text: string;
}

export interface FailureDomainReport {
  readonly zones: readonly string[];
  readonly perZone: readonly ZoneImpact[];
  readonly singlePoints: readonly SinglePoint[];
  readonly verdict: { readonly requireHa: boolean; readonly ok: boolean; readonly text: string };
  readonly regionLoss: RegionLoss;
}

/** Stores that are not worth a cross-region copy, and why (the rest must survive in prod). */
function notWorthCopying(r: RecordedResource): string | undefined {
  if (r.type === "aws:elasticache/replicationGroup:ReplicationGroup") return "a cache, rebuilt from PostgreSQL and the exchange feeds";
  if (r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-access-logs")) return "load-balancer access logs, diagnostics only";
  return undefined;
}

/**
 * Store types AWS Backup protects (a tag on an ElastiCache group selects nothing: AWS Backup does not
 * support ElastiCache). https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html
 */
const BACKUP_SUPPORTED = new Set(["aws:rds/instance:Instance", "aws:s3/bucket:Bucket"]);

const STORE_TYPES = new Set(["aws:rds/instance:Instance", "aws:s3/bucket:Bucket", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:backup/vault:Vault"]);

/**
 * What an AWS Backup selection takes: any of its selectionTags (ORed), all of its
 * `aws:ResourceTag/...` conditions (ANDed), and only the resource types its ARN patterns name.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 */
export function selectionOf(sel: RecordedResource): { readonly selects: (r: RecordedResource) => boolean; readonly text: string } {
  const anyOf = listOf(sel.inputs, "selectionTags").map((t) => [strOf(t, "key") ?? "", strOf(t, "value") ?? ""] as const);
  const allOf = listOf(sel.inputs, "conditions")
    .flatMap((c) => listOf(c, "stringEquals"))
    .map((e) => [(strOf(e, "key") ?? "").replace(/^aws:ResourceTag\//, ""), strOf(e, "value") ?? ""] as const);
  const patterns = strListOf(sel.inputs, "resources");
  const typeOk = (r: RecordedResource): boolean =>
    patterns.length === 0 ||
    patterns.some((p) => p === "*" || (p.includes(":rds:") && p.includes(":db:") && r.type === "aws:rds/instance:Instance") || (p.includes(":s3:::") && r.type === "aws:s3/bucket:Bucket"));
  const tagOf = (r: RecordedResource, k: string): string | undefined => strOf(field(r.inputs, "tags"), k);
  return {
    selects: (r) => typeOk(r) && (anyOf.length === 0 || anyOf.some(([k, v]) => tagOf(r, k) === v)) && allOf.every(([k, v]) => tagOf(r, k) === v) && anyOf.length + allOf.length > 0,
    text: [...anyOf, ...allOf].map(([k, v]) => `${k}=${v}`).join(", "),
  };
}

export function analyseRegionLoss(idx: ResourceIndex, stack: string, region: string): RegionLoss {
  const regionOf = (r: RecordedResource): string | undefined => {
    const p = idx.providerOf(r);
    return p?.type === "pulumi:providers:aws" ? strOf(p.inputs, "region") : undefined;
  };
  const drRegion = idx.ofType("pulumi:providers:aws").map((p) => strOf(p.inputs, "region")).find((x): x is string => x !== undefined);
  const survives: string[] = [];
  const copied = new Set<string>();
  for (const rep of idx.ofType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")) {
    const src = idx.resolve(strOf(rep.inputs, "sourceDbInstanceArn"), "aws:rds/instance:Instance");
    if (src) copied.add(src.urn);
    survives.push(`${src?.name ?? "?"}: automated backups and transaction logs (point-in-time restore) in ${regionOf(rep) ?? "?"}`);
  }
  for (const rep of idx.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
    const src = idx.resolve(strOf(rep.inputs, "bucket"), "aws:s3/bucket:Bucket");
    const dest = listOf(rep.inputs, "rules").map((x) => idx.resolve(strOf(field(x, "destination"), "bucket"), "aws:s3/bucket:Bucket")).find((x) => x !== undefined);
    if (src) copied.add(src.urn);
    survives.push(`${src?.name ?? "?"}: objects replicated to ${dest?.name ?? "?"} in ${dest ? (regionOf(dest) ?? region) : "?"}`);
  }
  for (const plan of idx.ofType("aws:backup/plan:Plan")) {
    const rules = listOf(plan.inputs, "rules").filter((x) => listOf(x, "copyActions").length > 0);
    if (rules.length === 0) continue;
    const vault = idx.resolve(strOf(listOf(rules[0], "copyActions")[0], "destinationVaultArn"), "aws:backup/vault:Vault");
    for (const v of idx.ofType("aws:backup/vault:Vault")) if (regionOf(v) === undefined) copied.add(v.urn);
    survives.push(`${plan.name}: ${rules.map((x) => strOf(x, "ruleName")).join(", ")} points copied to ${vault?.name ?? "the DR vault"} in ${vault ? (regionOf(vault) ?? "?") : (drRegion ?? "?")}`);
    // What the plan selects by tag has its recovery points in those copies too.
    for (const sel of idx.ofType("aws:backup/selection:Selection").filter((x) => idx.resolve(strOf(x.inputs, "planId"), "aws:backup/plan:Plan")?.urn === plan.urn)) {
      const s = selectionOf(sel);
      for (const r of idx.resources.filter((x) => x.custom && BACKUP_SUPPORTED.has(x.type) && s.selects(x))) {
        if (!copied.has(r.urn)) survives.push(`${r.name}: in ${plan.name}'s copies to ${vault?.name ?? "the DR vault"} (tagged ${s.text})`);
        copied.add(r.urn);
      }
    }
  }
  const stores = idx.resources.filter((r) => r.custom && STORE_TYPES.has(r.type) && regionOf(r) === undefined && !(r.type === "aws:rds/instance:Instance" && strOf(r.inputs, "replicateSourceDb") !== undefined));
  const uncopied = stores.filter((r) => !copied.has(r.urn));
  const lost = uncopied.map((r) => `${r.name} (${r.type.split(":").pop()}): ${notWorthCopying(r) ?? `no copy outside ${region}`}`).sort();
  const critical = uncopied.filter((r) => notWorthCopying(r) === undefined).map((r) => r.name).sort();
  const requireDr = stack === "prod";
  const ok = critical.length === 0 || !requireDr;
  const text =
    critical.length === 0
      ? `losing ${region} leaves a copy of every data store in ${drRegion ?? "another region"} (${survives.length} copies); restore there with docs/disaster-recovery.md${lost.length > 0 ? `; not copied on purpose: ${uncopied.map((r) => r.name).sort().join(", ")}` : ""}`
      : drRegion === undefined
        ? `no disaster-recovery region (entasis:backup.drRegion unset): losing ${region} (an outage, or a compromised account deleting there) loses every copy of ${critical.join(", ")}, monthly backups included${requireDr ? "; prod must set one" : `; accepted for cost in ${stack}`}`
        : `losing ${region} loses ${critical.join(", ")}: no copy in ${drRegion}${requireDr ? "" : `; accepted in ${stack}`}`;
  return { region, drRegion, survives: survives.sort(), lost, requireDr, ok, text };
}

/** Component types whose resources are for operators, not for serving traffic. */
const MANAGEMENT_COMPONENTS = new Set(["entasis:network:Bastion"]);
const UNPINNED = "one AZ chosen by AWS";

function subnetZone(s: RecordedResource | undefined): string | undefined {
  return s === undefined ? undefined : (strOf(s.inputs, "availabilityZone") ?? strOf(s.inputs, "availabilityZoneId"));
}

function zonesOfSubnets(idx: ResourceIndex, ids: readonly unknown[]): string[] {
  const zones = ids.map((id) => subnetZone(idx.resolve(id, "aws:ec2/subnet:Subnet"))).filter((z): z is string => z !== undefined);
  return [...new Set(zones)].sort();
}

function isManagement(idx: ResourceIndex, r: RecordedResource): boolean {
  for (let cur = idx.get(r.parent); cur; cur = idx.get(cur.parent)) if (MANAGEMENT_COMPONENTS.has(cur.type)) return true;
  return false;
}

function place(idx: ResourceIndex, r: RecordedResource): Placement | undefined {
  const inp = r.inputs;
  const management = isManagement(idx, r);
  const p = (zones: readonly string[], redundant: boolean, role: string, impact: string): Placement => ({ r, zones, redundant, role, management, impact });
  switch (r.type) {
    case "aws:ec2/subnet:Subnet": {
      const z = subnetZone(r);
      return z ? p([z], false, "subnet", "subnet") : undefined;
    }
    case "aws:ec2/natGateway:NatGateway":
      return p(zonesOfSubnets(idx, [strOf(inp, "subnetId")]), false, "NAT gateway", "internet egress");
    case "aws:ec2/instance:Instance": {
      const az = strOf(inp, "availabilityZone");
      return p(az ? [az] : zonesOfSubnets(idx, [strOf(inp, "subnetId")]), false, "EC2 instance", "a single host");
    }
    case "aws:eks/nodeGroup:NodeGroup": {
      // A zonal pool has one group per zone: the pool, not the group, is what survives a zone.
      const zones = zonesOfSubnets(idx, strListOf(inp, "subnetIds"));
      const role = strOf(field(inp, "labels"), "role");
      const siblings = role === undefined ? [r] : idx.ofType("aws:eks/nodeGroup:NodeGroup").filter((g) => strOf(field(g.inputs, "labels"), "role") === role);
      const poolZones = [...new Set(siblings.flatMap((g) => zonesOfSubnets(idx, strListOf(g.inputs, "subnetIds"))))].sort();
      const perZone = siblings.length > 1;
      return p(zones, poolZones.length > 1, perZone ? `node group of pool ${role} in ${zones.join(", ")}` : "node group", "every node of the pool");
    }
    case "aws:lb/loadBalancer:LoadBalancer": {
      const ids = [...strListOf(inp, "subnets"), ...listOf(inp, "subnetMappings").map((m) => strOf(m, "subnetId"))];
      const zones = zonesOfSubnets(idx, ids);
      return p(zones, zones.length > 1, "load balancer", "the entry point");
    }
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      const zones = zonesOfSubnets(idx, strListOf(inp, "subnetIds"));
      return zones.length > 0 ? p(zones, zones.length > 1, "interface endpoint", "private access to an AWS API") : undefined;
    }
    case "aws:rds/instance:Instance": {
      const replica = strOf(inp, "replicateSourceDb") !== undefined;
      const role = replica ? "database read replica" : "database";
      if (boolOf(inp, "multiAz") === true) {
        const group = idx.resolve(strOf(inp, "dbSubnetGroupName"), "aws:rds/subnetGroup:SubnetGroup") ?? idx.ofType("aws:rds/subnetGroup:SubnetGroup").find((g) => strOf(g.state, "name") === strOf(inp, "dbSubnetGroupName"));
        return p(group ? zonesOfSubnets(idx, strListOf(group.inputs, "subnetIds")) : [], true, `${role} (Multi-AZ)`, "");
      }
      const az = strOf(inp, "availabilityZone");
      // A replica in another zone keeps reads alive, but promotion is manual: the primary is still
      // the single writer.
      return p(az ? [az] : [], replica, role, replica ? "" : "the only writable copy of the data (promoting a replica is a manual step)");
    }
    case "kubernetes:postgresql.cnpg.io/v1:Cluster": {
      // Zones are the scheduler's choice; one per zone only with required zone anti-affinity.
      const spec = field(inp, "spec");
      const instances = numOf(spec, "instances") ?? 1;
      const affinity = field(spec, "affinity");
      const perZone = strOf(affinity, "topologyKey") === "topology.kubernetes.io/zone" && strOf(affinity, "podAntiAffinityType") === "required";
      const sync = numOf(field(field(spec, "postgresql"), "synchronous"), "number") ?? 0;
      const role = `time-series database (${instances} instance${instances === 1 ? "" : "s"}${perZone ? ", one per zone" : ""}${sync > 0 ? `, ${sync} synchronous standby` : ""})`;
      return p([], instances >= 2 && perZone, role, "the only running copy of the time-series data (recovery from the S3 WAL archive)");
    }
    case "aws:mq/broker:Broker": {
      // A single instance runs in its (one) subnet's zone; a cluster runs three nodes across the
      // subnets and keeps quorum queues available when one zone goes.
      const zones = zonesOfSubnets(idx, strListOf(inp, "subnetIds"));
      const cluster = strOf(inp, "deploymentMode") === "CLUSTER_MULTI_AZ" && zones.length > 1;
      return p(zones, cluster, cluster ? "message broker (3-node cluster)" : "message broker (single instance)", "the message queue (no other broker node)");
    }
    case "kubernetes:apps/v1:Deployment": {
      // The collectors (a feed stops with its last pod): redundant with 2+ replicas that a
      // DoNotSchedule zone spread keeps in different zones. Other Deployments are not placed here.
      const spec = field(inp, "spec");
      const pod = field(field(spec, "template"), "spec");
      if (strOf(field(field(field(spec, "template"), "metadata"), "labels"), "app.kubernetes.io/component") !== "collector") return undefined;
      const replicas = numOf(spec, "replicas") ?? 1;
      const spread = listOf(pod, "topologySpreadConstraints").some((c) => strOf(c, "topologyKey") === "topology.kubernetes.io/zone" && strOf(c, "whenUnsatisfiable") === "DoNotSchedule");
      return p([], replicas >= 2 && spread, `market-data collector (${replicas} pod${replicas === 1 ? "" : "s"}${spread ? ", spread over zones" : ""})`, "a market-data feed stops");
    }
    case "kubernetes:helm.sh/v3:Release": {
      // The mesh: ztunnel and the CNI agent run on every node (a zone takes only its own nodes'
      // with it); istiod is redundant with 2+ replicas spread over zones.
      const chart = strOf(inp, "chart");
      const values = field(inp, "values");
      if (chart === "ztunnel" || chart === "cni") return p([], true, `mesh node agent (${chart}, one per node)`, "");
      if (chart !== "istiod") return undefined;
      const replicas = numOf(values, "replicaCount") ?? 1;
      const spread = listOf(values, "topologySpreadConstraints").some((c) => strOf(c, "topologyKey") === "topology.kubernetes.io/zone" && strOf(c, "whenUnsatisfiable") === "DoNotSchedule");
      return p([], replicas >= 2 && spread, `mesh control plane (istiod x${replicas})`, "no new pod joins the mesh and no workload certificate is renewed (they last 24h)");
    }
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const nodes = numOf(inp, "numCacheClusters") ?? 1;
      const azs = [...new Set(strListOf(inp, "preferredCacheClusterAzs"))].sort();
      const failover = boolOf(inp, "automaticFailoverEnabled") === true && boolOf(inp, "multiAzEnabled") === true && nodes > 1;
      return p(azs, failover, `cache (${nodes} node${nodes === 1 ? "" : "s"})`, "the cache (no automatic failover to another zone)");
    }
  }
  return undefined;
}

export function analyseFailureDomains(idx: ResourceIndex, stack: string, region = "the stack's region"): FailureDomainReport {
  const placements = idx.resources.filter((r) => r.custom).map((r) => place(idx, r)).filter((x): x is Placement => x !== undefined);
  const zones = [...new Set(placements.flatMap((p) => p.zones))].sort();
  const singlePoints: SinglePoint[] = [];

  // Egress that crosses zones: a private route table whose default route uses a NAT gateway in
  // another zone than the subnets it serves.
  const collateral = new Map<string, string[]>();
  for (const route of idx.ofType("aws:ec2/route:Route")) {
    const nat = idx.resolve(strOf(route.inputs, "natGatewayId"), "aws:ec2/natGateway:NatGateway");
    const table = idx.resolve(strOf(route.inputs, "routeTableId"), "aws:ec2/routeTable:RouteTable");
    if (!nat || !table) continue;
    const natZone = zonesOfSubnets(idx, [strOf(nat.inputs, "subnetId")])[0];
    if (!natZone) continue;
    const served = idx
      .ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
      .filter((a) => idx.resolve(strOf(a.inputs, "routeTableId"), "aws:ec2/routeTable:RouteTable")?.urn === table.urn)
      .map((a) => idx.resolve(strOf(a.inputs, "subnetId"), "aws:ec2/subnet:Subnet"))
      .filter((s): s is RecordedResource => s !== undefined && subnetZone(s) !== natZone);
    if (served.length === 0) continue;
    collateral.set(natZone, [...(collateral.get(natZone) ?? []), ...served.map((s) => `internet egress of ${s.name} (${subnetZone(s)}) via ${nat.name}`)]);
    if (!singlePoints.some((sp) => sp.name === nat.name)) {
      singlePoints.push({ name: nat.name, type: nat.type, zone: natZone, why: `internet egress of ${[...new Set(served.map((s) => subnetZone(s)))].join(", ")} goes through this one NAT gateway in ${natZone}` });
    }
  }

  for (const pl of placements) {
    if (pl.redundant || pl.management || pl.impact === "subnet" || pl.r.type === "aws:ec2/natGateway:NatGateway") continue;
    singlePoints.push({ name: pl.r.name, type: pl.r.type, zone: pl.zones.length === 1 ? pl.zones[0] : pl.zones.length === 0 ? UNPINNED : pl.zones.join("+"), why: `${pl.role}: ${pl.impact} in one zone` });
  }

  const label = (pl: Placement): string => `${pl.r.name} (${pl.role}${pl.management ? ", management only" : ""})`;
  const perZone: ZoneImpact[] = zones.map((zone) => ({
    zone,
    lost: placements.filter((pl) => pl.zones.length === 1 && pl.zones[0] === zone && !pl.redundant).map(label).sort(),
    degraded: placements
      .filter((pl) => pl.zones.includes(zone) && (pl.redundant || pl.zones.length > 1))
      .map((pl) => `${pl.r.name} (${pl.role}: loses ${zone}, keeps ${pl.zones.filter((z) => z !== zone).join(", ") || "no zone"})`)
      .sort(),
    collateral: (collateral.get(zone) ?? []).sort(),
  }));
  const unpinned = placements.filter((pl) => pl.zones.length === 0 && !pl.redundant);
  if (unpinned.length > 0) perZone.push({ zone: UNPINNED, lost: unpinned.map(label).sort(), degraded: [], collateral: [] });

  const requireHa = stack === "prod";
  const sorted = singlePoints.sort((a, b) => a.zone.localeCompare(b.zone) || a.name.localeCompare(b.name));
  const list = sorted.map((s) => `${s.name} (${s.zone})`).join(", ");
  const text =
    sorted.length === 0
      ? `no single-zone point of failure: losing any one of ${zones.join(", ")} leaves every serving path up`
      : requireHa
        ? `NOT highly available: ${sorted.length} single-zone point(s) of failure: ${list}`
        : `${sorted.length} single-zone point(s) of failure, accepted for cost in ${stack}: ${list}`;
  return { zones, perZone, singlePoints: sorted, verdict: { requireHa, ok: sorted.length === 0 || !requireHa, text }, regionLoss: analyseRegionLoss(idx, stack, region) };
}
