import { RecordedResource } from "../offline/harness";
import { DEFAULT_DURATION, DURATIONS, Duration, durationOf } from "./durations";
import { ResourceIndex, strOf } from "./model";
import { OrderingViolation, checkPoolWaits } from "./ordering";
import { ADDON, NODE_GROUP, makesPods } from "./pools";
import { WaitGraph, WaitKind } from "./waits";

/** A dependency edge: `from` waits for `to`. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  /** Why it waits (tools/insights/waits.ts): declared, provider, custom parent, or inherited from a component ancestor. */
  readonly kind: WaitKind;
}

export interface PathResult {
  readonly length: number;
  /** Node ids from the first step to the last. */
  readonly path: readonly string[];
  readonly finish: ReadonlyMap<string, number>;
}

/**
 * Longest path through a DAG weighted by node durations: with unlimited parallelism, the time
 * until the last node finishes. Throws on a cycle (the engine would refuse it too).
 */
export function longestPath(nodes: ReadonlyMap<string, number>, edges: readonly { from: string; to: string }[]): PathResult {
  const deps = new Map<string, string[]>();
  for (const e of edges) if (nodes.has(e.from) && nodes.has(e.to) && e.from !== e.to) deps.set(e.from, [...(deps.get(e.from) ?? []), e.to]);
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const done = finish.get(id);
    if (done !== undefined) return done;
    if (visiting.has(id)) throw new Error(`dependency cycle through ${id}`);
    visiting.add(id);
    let start = 0;
    let best: string | undefined;
    // Sorted so ties resolve the same way on every run.
    for (const d of [...new Set(deps.get(id) ?? [])].sort()) {
      const f = visit(d);
      if (f > start) {
        start = f;
        best = d;
      }
    }
    visiting.delete(id);
    const f = start + (nodes.get(id) ?? 0);
    finish.set(id, f);
    via.set(id, best);
    return f;
  };
  let last: string | undefined;
  for (const id of [...nodes.keys()].sort()) {
    const f = visit(id);
    if (last === undefined || f > (finish.get(last) ?? 0)) last = id;
  }
  const path: string[] = [];
  for (let cur = last; cur !== undefined; cur = via.get(cur)) path.unshift(cur);
  return { length: last === undefined ? 0 : (finish.get(last) ?? 0), path, finish };
}


/**
 * Dependencies AWS (or Kubernetes) itself imposes: the dependent cannot be created without the
 * dependency's ID. The lower bound follows only these.
 */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/subnet:Subnet": ["aws:ec2/vpc:Vpc"],
  "aws:ec2/routeTable:RouteTable": ["aws:ec2/vpc:Vpc"],
  "aws:ec2/internetGateway:InternetGateway": ["aws:ec2/vpc:Vpc"],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["aws:ec2/vpc:Vpc"],
  "aws:ec2/securityGroup:SecurityGroup": ["aws:ec2/vpc:Vpc"],
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": ["aws:ec2/vpc:Vpc"],
  "aws:ec2/route:Route": ["aws:ec2/routeTable:RouteTable", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ["aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable"],
  // A public NAT gateway needs an attached internet gateway ("Network ... has no Internet gateway attached").
  "aws:ec2/natGateway:NatGateway": ["aws:ec2/subnet:Subnet", "aws:ec2/eip:Eip", "aws:ec2/internetGateway:InternetGateway"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["aws:ec2/securityGroup:SecurityGroup"],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["aws:ec2/securityGroup:SecurityGroup"],
  "aws:ec2/securityGroupRule:SecurityGroupRule": ["aws:ec2/securityGroup:SecurityGroup"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["aws:ec2/vpc:Vpc", "aws:ec2/routeTable:RouteTable", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup"],
  "aws:ec2/flowLog:FlowLog": ["aws:ec2/vpc:Vpc", "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role"],
  "aws:cloudwatch/logGroup:LogGroup": ["aws:kms/key:Key"],
  "aws:kms/alias:Alias": ["aws:kms/key:Key"],
  "aws:iam/rolePolicy:RolePolicy": ["aws:iam/role:Role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["aws:iam/role:Role", "aws:iam/policy:Policy"],
  "aws:iam/instanceProfile:InstanceProfile": ["aws:iam/role:Role"],
  "aws:ec2/instance:Instance": ["aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup", "aws:iam/instanceProfile:InstanceProfile"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["aws:ec2/securityGroup:SecurityGroup"],
  "aws:rds/subnetGroup:SubnetGroup": ["aws:ec2/subnet:Subnet"],
  "aws:elasticache/subnetGroup:SubnetGroup": ["aws:ec2/subnet:Subnet"],
  "aws:eks/cluster:Cluster": ["aws:ec2/subnet:Subnet", "aws:iam/role:Role", "aws:ec2/securityGroup:SecurityGroup", "aws:kms/key:Key"],
  // Nodes report Ready only with the VPC CNI running; add-ons that run pods (CoreDNS, EBS CSI)
  // reach ACTIVE only once nodes have joined.
  "aws:eks/nodeGroup:NodeGroup": ["aws:eks/cluster:Cluster", "aws:ec2/subnet:Subnet", "aws:iam/role:Role", "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/addon:Addon"],
  "aws:eks/addon:Addon": ["aws:eks/cluster:Cluster", "aws:iam/role:Role", "aws:eks/nodeGroup:NodeGroup"],
  "aws:eks/accessEntry:AccessEntry": ["aws:eks/cluster:Cluster", "aws:iam/role:Role"],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": ["aws:eks/cluster:Cluster", "aws:iam/role:Role"],
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ["aws:eks/cluster:Cluster"],
  "pulumi:providers:kubernetes": ["aws:eks/cluster:Cluster"],
  "aws:rds/instance:Instance": ["aws:rds/subnetGroup:SubnetGroup", "aws:ec2/securityGroup:SecurityGroup", "aws:kms/key:Key", "aws:rds/parameterGroup:ParameterGroup", "aws:rds/instance:Instance", "aws:iam/role:Role"],
  "aws:rds/proxy:Proxy": ["aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup", "aws:secretsmanager/secret:Secret", "aws:iam/role:Role"],
  "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": ["aws:rds/proxy:Proxy"],
  "aws:rds/proxyTarget:ProxyTarget": ["aws:rds/proxy:Proxy", "aws:rds/instance:Instance", "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup"],
  "aws:elasticache/replicationGroup:ReplicationGroup": ["aws:elasticache/subnetGroup:SubnetGroup", "aws:ec2/securityGroup:SecurityGroup", "aws:kms/key:Key", "aws:elasticache/parameterGroup:ParameterGroup"],
  "aws:secretsmanager/secret:Secret": ["aws:kms/key:Key"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["aws:secretsmanager/secret:Secret"],
  "aws:lb/loadBalancer:LoadBalancer": ["aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  "aws:lb/targetGroup:TargetGroup": ["aws:ec2/vpc:Vpc"],
  "aws:lb/listener:Listener": ["aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"],
  "aws:lb/listenerRule:ListenerRule": ["aws:lb/listener:Listener", "aws:lb/targetGroup:TargetGroup"],
  "aws:backup/vault:Vault": ["aws:kms/key:Key"],
  "aws:backup/plan:Plan": ["aws:backup/vault:Vault"],
  "aws:backup/selection:Selection": ["aws:backup/plan:Plan", "aws:iam/role:Role"],
};

function required(dependent: RecordedResource, dependency: RecordedResource): boolean {
  // Pods need nodes and name resolution: Kubernetes imposes the pool and CoreDNS on whatever makes them.
  if (makesPods(dependent) && (dependency.type === NODE_GROUP || (dependency.type === ADDON && strOf(dependency.inputs, "addonName") === "coredns"))) return true;
  if (dependent.type.startsWith("kubernetes:")) {
    // Kubernetes objects need their provider (the cluster), their namespace and CRDs they use.
    return dependency.type === "pulumi:providers:kubernetes" || dependency.type === "kubernetes:core/v1:Namespace" || dependency.type.startsWith("kubernetes:apiextensions.k8s.io");
  }
  if (dependent.type.startsWith("aws:s3/bucket") && dependent.type !== "aws:s3/bucket:Bucket" && dependent.type !== "aws:s3/bucketV2:BucketV2") {
    return dependency.type.startsWith("aws:s3/bucket") || dependency.type === "aws:kms/key:Key";
  }
  return (REQUIRED[dependent.type] ?? []).includes(dependency.type);
}

/**
 * Area pairs where a dependency is legitimate: `area -> areas it may wait for`. An edge between
 * two listed areas that is not allowed here is flagged as not needed (it only serialises work).
 */
export const ALLOWED_CROSS_AREA: Readonly<Record<string, readonly string[]>> = {
  network: ["security"],
  security: [],
  cluster: ["network", "security"],
  data: ["network", "security"],
  edge: ["network", "security", "cluster", "data"],
  observability: ["network", "security", "cluster", "data", "edge"],
  // Velero's IRSA role trusts the cluster's OIDC provider; its chart runs on the cluster.
  backup: ["network", "security", "data", "cluster"],
};

export interface Step {
  readonly name: string;
  readonly type: string;
  readonly component: string;
  readonly durationKey: string;
  readonly seconds: number;
  readonly start: number;
  readonly finish: number;
}

export interface UnneededDependency {
  readonly from: string;
  readonly fromType: string;
  readonly fromArea: string;
  readonly to: string;
  readonly toType: string;
  readonly toArea: string;
}

export interface TimelineReport {
  readonly assumptions: readonly string[];
  readonly criticalPathSeconds: number;
  readonly criticalPath: readonly Step[];
  readonly lowerBoundSeconds: number;
  readonly lowerBoundPath: readonly Step[];
  /** Dependencies between areas that need not wait for each other. */
  readonly unneededDependencies: readonly UnneededDependency[];
  /** The critical path once those dependencies are removed. */
  readonly withoutUnneededSeconds: number;
  /** Types timed with the default duration (no entry in the table), with counts. */
  readonly defaultDuration: Readonly<Record<string, number>>;
  /** The table entries this stack used. */
  readonly durationsUsed: Readonly<Record<string, Duration>>;
  /** Helm releases and workloads that do not really wait for their pool's node group and CoreDNS (should be none). */
  readonly missingPoolWaits: readonly OrderingViolation[];
}

export const TIMELINE_ASSUMPTIONS = [
  "unlimited parallelism: a resource starts as soon as everything it waits for is ready (pulumi up --parallel large enough)",
  "edges: only the waits the program really registers: each resource's dependencies (dependsOn and every input's dependencies; a dependency on a component means all its custom descendants), its explicit provider resource, its parent when the parent is a custom resource, and what its component ancestors wait for (the SDK registers a child only after its parent, which registers only after its own dependencies)",
  "components, providers and random values take no time",
  "nothing is assumed: a Helm release or workload without a real wait on its pool's node group and CoreDNS is listed as a finding, not given one",
  "lower bound: the same longest path over only the dependencies AWS or Kubernetes impose (a subnet needs its VPC, a node group its cluster, pods their pool's nodes and CoreDNS...)",
];

export function buildEdges(idx: ResourceIndex, graph: WaitGraph = new WaitGraph(idx)): Edge[] {
  return idx.resources.filter((x) => x.custom).flatMap((r) => graph.direct(r.urn).map((w): Edge => ({ from: r.urn, to: w.to, kind: w.kind })));
}

export function analyseTimeline(idx: ResourceIndex): TimelineReport {
  const custom = idx.resources.filter((r) => r.custom);
  const nodes = new Map(custom.map((r) => [r.urn, durationOf(r).seconds]));
  const graph = new WaitGraph(idx);
  const all = buildEdges(idx, graph);
  const critical = longestPath(nodes, all);

  const requiredEdges = all.filter((e) => {
    const from = idx.get(e.from);
    const to = idx.get(e.to);
    return from !== undefined && to !== undefined && required(from, to);
  });
  const lower = longestPath(nodes, requiredEdges);

  const unneeded: UnneededDependency[] = [];
  const seen = new Set<string>();
  for (const e of all.filter((x) => x.kind === "declared" || x.kind === "inherited")) {
    const from = idx.get(e.from);
    const to = idx.get(e.to);
    if (!from || !to) continue;
    const fa = idx.area(from);
    const ta = idx.area(to);
    if (fa === ta || !(fa in ALLOWED_CROSS_AREA) || !(ta in ALLOWED_CROSS_AREA)) continue;
    if (ALLOWED_CROSS_AREA[fa].includes(ta)) continue;
    // Kubernetes objects legitimately wait for the cluster they run on, wherever they sit.
    if (from.type.startsWith("kubernetes:") && ta === "cluster") continue;
    const key = `${from.urn}->${to.urn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unneeded.push({ from: from.name, fromType: from.type, fromArea: fa, to: to.name, toType: to.type, toArea: ta });
  }
  // `seen` holds exactly the flagged edges.
  const pruned = all.filter((e) => !seen.has(`${e.from}->${e.to}`));
  const withoutUnneeded = unneeded.length > 0 ? longestPath(nodes, pruned).length : critical.length;

  const steps = (p: PathResult): Step[] =>
    p.path.map((urn) => {
      const r = idx.get(urn);
      if (!r) throw new Error(`unknown resource ${urn}`);
      const d = durationOf(r);
      const finish = p.finish.get(urn) ?? 0;
      return { name: r.name, type: r.type, component: idx.componentLabel(r), durationKey: d.key, seconds: d.seconds, start: finish - d.seconds, finish };
    });

  const defaults: Record<string, number> = {};
  const used: Record<string, Duration> = {};
  for (const r of custom) {
    const d = durationOf(r);
    if (!d.known) defaults[d.key] = (defaults[d.key] ?? 0) + 1;
    else if (DURATIONS[d.key]) used[d.key] = DURATIONS[d.key];
  }
  if (Object.keys(defaults).length > 0) used["(default)"] = DEFAULT_DURATION;

  return {
    assumptions: TIMELINE_ASSUMPTIONS,
    criticalPathSeconds: critical.length,
    criticalPath: steps(critical),
    lowerBoundSeconds: lower.length,
    lowerBoundPath: steps(lower),
    unneededDependencies: unneeded.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    withoutUnneededSeconds: withoutUnneeded,
    defaultDuration: Object.fromEntries(Object.entries(defaults).sort(([a], [b]) => a.localeCompare(b))),
    durationsUsed: Object.fromEntries(Object.entries(used).sort(([a], [b]) => a.localeCompare(b))),
    missingPoolWaits: checkPoolWaits(graph),
  };
}
