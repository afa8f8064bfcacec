import { RecordedResource } from "../offline/harness";
import { BUCKET_LABELS, INSTANCE_SPEC_PAGES, INSTANCE_VCPUS, VcpuBucket, vcpuBucketOf } from "./instanceTypes";
import { ResourceIndex, field, numOf, strListOf, strOf } from "./model";
import { QUOTA_SOURCES, QuotaBasis, QuotaKey, QuotaScope, QuotaTable } from "./quotas-ap-northeast-2";

/**
 * - "blocks first deploy": even the pools' minimum exceeds the default, so `pulumi up` fails creating it.
 * - "request increase": the pools' maximum (or a node group update at maximum) exceeds the default.
 * - "no default in the table": a quota this table does not know (another vCPU bucket).
 */
export type QuotaVerdict = "ok" | "request increase" | "blocks first deploy" | "no default in the table";

export interface QuotaNeed {
  readonly key: string;
  readonly serviceCode: string;
  readonly quotaCode?: string;
  readonly name: string;
  readonly scope: QuotaScope;
  readonly unit: "vCPUs" | "resources";
  /** Needed with every node pool at its minimum size. */
  readonly atMin: number;
  /** Needed with every node pool at its maximum size. */
  readonly atMax: number;
  /** Needed while managed node groups at maximum size are updated (EKS launches extra nodes first). */
  readonly peak: number;
  readonly awsDefault?: number;
  /** Region to ask Service Quotas in (us-east-1 for IAM's global quotas). */
  readonly region?: string;
  readonly verdict: QuotaVerdict;
  /** What counts towards it, e.g. `cluster-general-ng: 3..10 (+6 during updates) x c5.2xlarge (8 vCPUs)`. */
  readonly from: readonly string[];
  /** Reads the account's applied value. */
  readonly check?: string;
  /** Asks for the peak, when the default is not enough. */
  readonly request?: string;
  readonly basis?: QuotaBasis;
  readonly source?: string;
  readonly note?: string;
}

export interface QuotaReport {
  readonly region: string;
  readonly retrievedOn: string;
  readonly needs: readonly QuotaNeed[];
  /** Instance types with no vCPU entry (tools/insights/instanceTypes.ts); their vCPUs are not counted. */
  readonly unknownInstanceTypes: readonly string[];
  readonly assumptions: readonly string[];
}

interface Count {
  min: number;
  max: number;
  peak: number;
  from: string[];
  /** Quota name, for vCPU buckets the table has no entry for. */
  name?: string;
}

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const SUBNET = "aws:ec2/subnet:Subnet";

/** Extra nodes EKS launches while updating a managed node group: the larger of twice its AZs and maxUnavailable. */
function updateSurge(ng: RecordedResource, idx: ResourceIndex, size: number): { nodes: number; azs: number } {
  const subnets = strListOf(ng.inputs, "subnetIds");
  const azs = new Set(subnets.map((s) => strOf(idx.resolve(s, SUBNET)?.inputs, "availabilityZone") ?? s)).size;
  const uc = field(ng.inputs, "updateConfig");
  const pct = numOf(uc, "maxUnavailablePercentage");
  const unavailable = numOf(uc, "maxUnavailable") ?? (pct !== undefined ? Math.ceil((pct / 100) * size) : 1);
  return { nodes: Math.max(2 * azs, unavailable), azs };
}

function bucketKey(bucket: VcpuBucket, spot: boolean): string {
  const keys: Partial<Record<VcpuBucket, readonly [QuotaKey, QuotaKey]>> = { standard: ["onDemandStandardVcpus", "spotStandardVcpus"], "g-vt": ["onDemandGVtVcpus", "spotGVtVcpus"] };
  return keys[bucket]?.[spot ? 1 : 0] ?? `${spot ? "spot" : "onDemand"}:${bucket}`;
}

function bucketQuotaName(bucket: VcpuBucket, spot: boolean): string {
  return spot ? `All ${BUCKET_LABELS[bucket]} Spot Instance Requests` : `Running On-Demand ${BUCKET_LABELS[bucket]} instances`;
}

function isQuotaKey(key: string, table: QuotaTable): key is QuotaKey {
  return key in table.quotas;
}

/** vCPUs per quota bucket from node groups and EC2 instances. */
function vcpuCounts(idx: ResourceIndex, unknown: Set<string>): Map<string, Count> {
  const counts = new Map<string, Count>();
  const add = (bucket: VcpuBucket, spot: boolean, c: Omit<Count, "from">, line: string): void => {
    const key = bucketKey(bucket, spot);
    const cur = counts.get(key) ?? { min: 0, max: 0, peak: 0, from: [], name: bucketQuotaName(bucket, spot) };
    counts.set(key, { ...cur, min: cur.min + c.min, max: cur.max + c.max, peak: cur.peak + c.peak, from: [...cur.from, line] });
  };
  for (const ng of idx.ofType(NODE_GROUP)) {
    const sc = field(ng.inputs, "scalingConfig");
    const min = numOf(sc, "minSize") ?? 0;
    const max = numOf(sc, "maxSize") ?? min;
    const spot = strOf(ng.inputs, "capacityType") === "SPOT";
    const surge = updateSurge(ng, idx, max);
    const byBucket = new Map<VcpuBucket, { vcpus: number; types: string[] }>();
    for (const t of strListOf(ng.inputs, "instanceTypes")) {
      const spec = INSTANCE_VCPUS[t];
      const bucket = vcpuBucketOf(t);
      if (!spec || !bucket) {
        unknown.add(t);
        continue;
      }
      const cur = byBucket.get(bucket) ?? { vcpus: 0, types: [] };
      // The group may launch any of its types: count the largest.
      byBucket.set(bucket, { vcpus: Math.max(cur.vcpus, spec.vcpus), types: [...cur.types, t] });
    }
    for (const [bucket, b] of byBucket) {
      const line = `${ng.name}: ${min}..${max} (+${surge.nodes} during updates: 2 x ${surge.azs} AZs or maxUnavailable) x ${b.types.join("/")} (${b.vcpus} vCPUs)${spot ? ", spot" : ""}`;
      add(bucket, spot, { min: min * b.vcpus, max: max * b.vcpus, peak: (max + surge.nodes) * b.vcpus }, line);
    }
  }
  for (const inst of idx.ofType("aws:ec2/instance:Instance")) {
    const t = strOf(inst.inputs, "instanceType") ?? "";
    const spec = INSTANCE_VCPUS[t];
    const bucket = vcpuBucketOf(t);
    if (!spec || !bucket) {
      unknown.add(t || "(no instanceType)");
      continue;
    }
    const spot = strOf(field(inst.inputs, "instanceMarketOptions"), "marketType") === "spot";
    add(bucket, spot, { min: spec.vcpus, max: spec.vcpus, peak: spec.vcpus }, `${inst.name}: 1 x ${t} (${spec.vcpus} vCPUs)`);
  }
  return counts;
}

const fixed = (n: number, from: string[]): Count => ({ min: n, max: n, peak: n, from });

/** The most of something in one scope (per AZ, per cluster, per primary). */
function largestGroup(items: readonly string[], label: string): Count {
  const groups = new Map<string, number>();
  for (const g of items) groups.set(g, (groups.get(g) ?? 0) + 1);
  const top = [...groups.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return fixed(top[0]?.[1] ?? 0, top.map(([g, n]) => `${n} in ${label} ${g}`));
}

function namesOf(rs: readonly RecordedResource[]): string[] {
  return rs.length === 0 ? [] : [rs.map((r) => r.name).join(", ")];
}

/** Resources counted against each non-vCPU quota. */
function resourceCounts(idx: ResourceIndex): Record<Exclude<QuotaKey, "onDemandStandardVcpus" | "onDemandGVtVcpus" | "spotStandardVcpus" | "spotGVtVcpus">, Count> {
  const of = (t: string): RecordedResource[] => idx.ofType(t);
  const count = (t: string): Count => fixed(of(t).length, namesOf(of(t)));
  const nat = of("aws:ec2/natGateway:NatGateway").map((n) => strOf(idx.resolve(strOf(n.inputs, "subnetId"), SUBNET)?.inputs, "availabilityZone") ?? "(unknown AZ)");
  const lbs = of("aws:lb/loadBalancer:LoadBalancer");
  const lbOfType = (t: string): RecordedResource[] => lbs.filter((l) => (strOf(l.inputs, "loadBalancerType") ?? "application") === t);
  const rds = of("aws:rds/instance:Instance");
  const replicas = rds.flatMap((r) => strOf(r.inputs, "replicateSourceDb") ?? []);
  const nodeGroups = idx.ofType(NODE_GROUP);
  const perGroup = nodeGroups.map((ng) => {
    const max = numOf(field(ng.inputs, "scalingConfig"), "maxSize") ?? 0;
    return { name: ng.name, peak: max + updateSurge(ng, idx, max).nodes, max };
  });
  const biggest = [...perGroup].sort((a, b) => b.peak - a.peak)[0];
  const cacheNodes = of("aws:elasticache/replicationGroup:ReplicationGroup").map((g) => {
    const shards = numOf(g.inputs, "numNodeGroups");
    const n = numOf(g.inputs, "numCacheClusters") ?? (shards !== undefined ? shards * ((numOf(g.inputs, "replicasPerNodeGroup") ?? 0) + 1) : 1);
    return { name: g.name, n };
  });
  const vpcs = of("aws:ec2/vpc:Vpc").length;
  const sgs = of("aws:ec2/securityGroup:SecurityGroup").length;
  const clusters = of("aws:eks/cluster:Cluster").length;
  const gatewayEndpoints = of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => (strOf(e.inputs, "vpcEndpointType") ?? "Gateway") === "Gateway");
  return {
    elasticIps: count("aws:ec2/eip:Eip"),
    natGatewaysPerAz: largestGroup(nat, "AZ"),
    vpcs: count("aws:ec2/vpc:Vpc"),
    internetGateways: count("aws:ec2/internetGateway:InternetGateway"),
    gatewayEndpoints: fixed(gatewayEndpoints.length, namesOf(gatewayEndpoints)),
    // Every VPC has a default group and EKS creates a cluster security group of its own.
    securityGroups: fixed(sgs + vpcs + clusters, [`${sgs} security groups + ${vpcs} VPC default group(s) + ${clusters} EKS cluster security group(s)`]),
    eksClusters: count("aws:eks/cluster:Cluster"),
    nodeGroupsPerCluster: largestGroup(nodeGroups.map((ng) => strOf(ng.inputs, "clusterName") ?? "(unknown)"), "cluster"),
    nodesPerNodeGroup: biggest
      ? { min: biggest.max, max: biggest.max, peak: biggest.peak, from: [`${biggest.name}: ${biggest.max} at maximum, ${biggest.peak} during an update`] }
      : fixed(0, []),
    rdsInstances: count("aws:rds/instance:Instance"),
    rdsProxies: count("aws:rds/proxy:Proxy"),
    readReplicasPerPrimary: largestGroup(replicas, "primary"),
    elasticacheNodes: fixed(cacheNodes.reduce((a, c) => a + c.n, 0), cacheNodes.map((c) => `${c.name}: ${c.n} node(s)`)),
    applicationLoadBalancers: fixed(lbOfType("application").length, namesOf(lbOfType("application"))),
    networkLoadBalancers: fixed(lbOfType("network").length, namesOf(lbOfType("network"))),
    targetGroups: count("aws:lb/targetGroup:TargetGroup"),
    iamRoles: fixed(of("aws:iam/role:Role").length, [`${of("aws:iam/role:Role").length} roles of this stack`]),
    oidcProviders: count("aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
    secrets: fixed(of("aws:secretsmanager/secret:Secret").length, [`${of("aws:secretsmanager/secret:Secret").length} secrets of this stack`]),
  };
}

export function verdictOf(c: { atMin: number; peak: number }, awsDefault: number | undefined): QuotaVerdict {
  if (awsDefault === undefined) return "no default in the table";
  if (c.atMin > awsDefault) return "blocks first deploy";
  return c.peak > awsDefault ? "request increase" : "ok";
}

export function quotaCommands(serviceCode: string, quotaCode: string, region: string, desired: number): { check: string; request: string } {
  const tail = `--service-code ${serviceCode} --quota-code ${quotaCode} --region ${region}`;
  return { check: `aws service-quotas get-service-quota ${tail}`, request: `aws service-quotas request-service-quota-increase ${tail.replace(" --region", ` --desired-value ${desired} --region`)}` };
}

/** What the stack needs of each quota, beside AWS's default, with the commands to check and raise it. */
export function analyseQuotas(idx: ResourceIndex, table: QuotaTable): QuotaReport {
  const unknown = new Set<string>();
  const counts = new Map<string, Count>([...Object.entries(resourceCounts(idx)), ...vcpuCounts(idx, unknown)]);
  for (const k of ["onDemandStandardVcpus", "onDemandGVtVcpus", "spotStandardVcpus", "spotGVtVcpus"] as const) if (!counts.has(k)) counts.set(k, fixed(0, []));
  const order = Object.keys(table.quotas);
  const needs: QuotaNeed[] = [];
  for (const [key, c] of counts) {
    const base = { key, atMin: c.min, atMax: c.max, peak: c.peak, from: c.from };
    if (!isQuotaKey(key, table)) {
      needs.push({ ...base, serviceCode: "ec2", name: c.name ?? key, scope: "region", unit: "vCPUs", verdict: "no default in the table" });
      continue;
    }
    const q = table.quotas[key];
    const verdict = verdictOf(base, q.awsDefault);
    const region = q.serviceRegion ?? table.region;
    const cmd = quotaCommands(q.serviceCode, q.quotaCode, region, c.peak);
    needs.push({
      ...base,
      serviceCode: q.serviceCode,
      quotaCode: q.quotaCode,
      name: q.name,
      scope: q.scope,
      unit: q.unit,
      awsDefault: q.awsDefault,
      region,
      verdict,
      check: cmd.check,
      request: verdict === "ok" ? undefined : cmd.request,
      basis: q.basis,
      source: q.source,
      note: q.note,
    });
  }
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return {
    region: table.region,
    retrievedOn: table.retrievedOn,
    needs: needs.sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key)),
    unknownInstanceTypes: [...unknown].sort(),
    assumptions: [
      "Quotas are per account and Region (IAM: per account): other stacks and workloads in the same account draw on the same ones.",
      "A node group counts the vCPUs of the largest instance type it lists; SPOT node groups count against the Spot quotas.",
      `During a managed node group update EKS first launches up to the larger of twice its AZs and maxUnavailable extra nodes (${QUOTA_SOURCES.eksNodeUpdates}); the peak column is every pool at maximum plus that surge, and the requested value.`,
      `vCPUs per instance type from tools/insights/instanceTypes.ts (${Object.values(INSTANCE_SPEC_PAGES).join(", ")}).`,
    ],
  };
}

/** Region-wide and account-wide needs of several stacks deployed into one account, summed. */
export interface AccountQuotas {
  readonly stacks: readonly string[];
  readonly needs: readonly QuotaNeed[];
}

export function combineQuotas(reports: Readonly<Record<string, QuotaReport>>): AccountQuotas {
  const stacks = Object.keys(reports).sort();
  const byKey = new Map<string, QuotaNeed>();
  for (const stack of stacks) {
    const r = reports[stack];
    for (const n of r.needs.filter((x) => x.scope === "region" || x.scope === "account (global)")) {
      const cur = byKey.get(n.key);
      const from = `${stack}: ${n.atMin}..${n.atMax} (peak ${n.peak})`;
      byKey.set(n.key, cur ? { ...cur, atMin: cur.atMin + n.atMin, atMax: cur.atMax + n.atMax, peak: cur.peak + n.peak, from: [...cur.from, from] } : { ...n, from: [from] });
    }
  }
  const needs = [...byKey.values()].map((n) => {
    const verdict = verdictOf(n, n.awsDefault);
    const request = verdict === "ok" || !n.quotaCode || !n.region ? undefined : quotaCommands(n.serviceCode, n.quotaCode, n.region, n.peak).request;
    return { ...n, verdict, request };
  });
  return { stacks, needs: needs.filter((n) => n.atMax > 0) };
}
