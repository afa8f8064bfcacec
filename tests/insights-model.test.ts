import { RecordedResource } from "../tools/offline/harness";
import { estimateCost } from "../tools/insights/cost";
import { renderMermaid } from "../tools/insights/diagram";
import { analyseFailureDomains } from "../tools/insights/failureDomains";
import { ResourceIndex } from "../tools/insights/model";
import { PRICES_AP_NORTHEAST_2 as P } from "../tools/insights/prices-ap-northeast-2";
import { analyseTimeline, longestPath } from "../tools/insights/timeline";

/**
 * Hand-built registrations, shaped exactly like the harness records them (type tokens and SDK
 * input names of @pulumi/aws 7), for the tiers that are not in the program yet.
 */
const STACK_URN = "urn:pulumi:test::entasis-infra::pulumi:pulumi:Stack::entasis-infra-test";
const urnOf = (type: string, name: string): string => `urn:pulumi:test::entasis-infra::${type}::${name}`;

interface Spec {
  readonly parent?: RecordedResource;
  readonly deps?: readonly RecordedResource[];
  readonly provider?: RecordedResource;
}

function res(type: string, name: string, inputs: Record<string, unknown> = {}, spec: Spec = {}): RecordedResource {
  const custom = !type.startsWith("entasis:") && type !== "pulumi:pulumi:Stack";
  return {
    urn: type === "pulumi:pulumi:Stack" ? STACK_URN : urnOf(type, name),
    type,
    name,
    custom,
    inputs,
    secretPaths: [],
    state: { ...inputs, name: typeof inputs.name === "string" ? inputs.name : `${name}-phys`, arn: `arn:aws:x:ap-northeast-2:123456789012:${name}` },
    parent: type === "pulumi:pulumi:Stack" ? undefined : (spec.parent?.urn ?? STACK_URN),
    dependencies: (spec.deps ?? []).map((d) => d.urn),
    propertyDependencies: {},
    provider: spec.provider ? `${spec.provider.urn}::${spec.provider.name}-id` : undefined,
    protect: false,
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    aliases: [],
  };
}

const H = 730;

/** A tiny stack: network bits, one EKS cluster with one pool, a Multi-AZ database with a replica, a cache, an ALB. */
function tinyStack(opts: { nodeSubnets: "a" | "ab"; dbMultiAz: boolean; cacheNodes: number; dbWaitsForCluster: boolean }): RecordedResource[] {
  const stack = res("pulumi:pulumi:Stack", "entasis-infra-test");
  const network = res("entasis:network:Network", "network");
  const cluster = res("entasis:cluster:Cluster", "cluster");
  const data = res("entasis:data:Data", "data");
  const edge = res("entasis:edge:Edge", "edge");
  const vpc = res("aws:ec2/vpc:Vpc", "network-vpc", { cidrBlock: "10.0.0.0/16" }, { parent: network });
  const igw = res("aws:ec2/internetGateway:InternetGateway", "network-igw", { vpcId: "network-vpc-id" }, { parent: network, deps: [vpc] });
  const subA = res("aws:ec2/subnet:Subnet", "network-private-a", { vpcId: "network-vpc-id", availabilityZone: "ap-northeast-2a" }, { parent: network, deps: [vpc] });
  const subB = res("aws:ec2/subnet:Subnet", "network-private-b", { vpcId: "network-vpc-id", availabilityZone: "ap-northeast-2b" }, { parent: network, deps: [vpc] });
  const eip = res("aws:ec2/eip:Eip", "network-nat-a", { domain: "vpc" }, { parent: network });
  const nat = res("aws:ec2/natGateway:NatGateway", "network-nat-a", { subnetId: "network-private-a-id", allocationId: "network-nat-a-id" }, { parent: network, deps: [subA, eip, igw] });
  const key = res("aws:kms/key:Key", "security-key", {}, { parent: network });
  const dbSubnets = res("aws:rds/subnetGroup:SubnetGroup", "network-db", { subnetIds: ["network-private-a-id", "network-private-b-id"] }, { parent: network, deps: [subA, subB] });
  const eks = res("aws:eks/cluster:Cluster", "cluster-eks", { version: "1.35", vpcConfig: { subnetIds: ["network-private-a-id", "network-private-b-id"] } }, { parent: cluster, deps: [subA, subB, key] });
  const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "cluster-general", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3" } }] }, { parent: cluster });
  const ng = res(
    "aws:eks/nodeGroup:NodeGroup",
    "cluster-general",
    {
      clusterName: "cluster-eks-phys",
      instanceTypes: ["c5.xlarge"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      subnetIds: opts.nodeSubnets === "a" ? ["network-private-a-id"] : ["network-private-a-id", "network-private-b-id"],
      launchTemplate: { id: "cluster-general-id", version: "1" },
    },
    { parent: cluster, deps: [eks, lt, subA, subB] },
  );
  const k8s = res("pulumi:providers:kubernetes", "cluster-k8s", { kubeconfig: "{}" }, { parent: cluster, deps: [eks] });
  const release = res("kubernetes:helm.sh/v3:Release", "observability-prometheus", { chart: "kube-prometheus-stack" }, { parent: cluster, provider: k8s });
  const db = res(
    "aws:rds/instance:Instance",
    "data-postgres",
    { identifier: "entasis-test-postgres", instanceClass: "db.r6g.large", multiAz: opts.dbMultiAz, allocatedStorage: 100, storageType: "gp3", dbSubnetGroupName: "network-db-phys" },
    { parent: data, deps: opts.dbWaitsForCluster ? [dbSubnets, key, eks] : [dbSubnets, key] },
  );
  const replica = res("aws:rds/instance:Instance", "data-postgres-replica", { instanceClass: "db.r6g.large", replicateSourceDb: "entasis-test-postgres", availabilityZone: "ap-northeast-2b" }, { parent: data, deps: [db] });
  const cache = res(
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "data-redis",
    { nodeType: "cache.t4g.small", numCacheClusters: opts.cacheNodes, multiAzEnabled: opts.cacheNodes > 1, automaticFailoverEnabled: opts.cacheNodes > 1, preferredCacheClusterAzs: ["ap-northeast-2a", "ap-northeast-2b"].slice(0, opts.cacheNodes) },
    { parent: data },
  );
  const secret = res("aws:secretsmanager/secret:Secret", "data-postgres-credentials", {}, { parent: data, deps: [key] });
  const bucket = res("aws:s3/bucketV2:BucketV2", "data-archive", {}, { parent: data });
  const alb = res("aws:lb/loadBalancer:LoadBalancer", "edge-alb", { loadBalancerType: "application", internal: false, subnets: ["network-private-a-id", "network-private-b-id"] }, { parent: edge, deps: [subA, subB] });
  const topic = res("aws:sns/topic:Topic", "edge-alerts", {}, { parent: edge });
  return [stack, network, cluster, data, edge, vpc, igw, subA, subB, eip, nat, key, dbSubnets, eks, lt, ng, k8s, release, db, replica, cache, secret, bucket, alb, topic];
}

describe("cost model", () => {
  const idx = new ResourceIndex(tinyStack({ nodeSubnets: "ab", dbMultiAz: true, cacheNodes: 2, dbWaitsForCluster: false }));
  const cost = estimateCost(idx, P);
  const line = (name: string, type?: string) => {
    const found = cost.lines.find((l) => l.name === name && (type === undefined || l.type === type));
    if (!found) throw new Error(`no cost line for ${name}`);
    return found;
  };

  it("prices a tiny config exactly, to the cent, from the table", () => {
    // Node: c5.xlarge 0.192 x 730 = 140.16, plus 100 GiB gp3 x 0.0912 = 9.12 -> 149.28 per node.
    expect(line("cluster-general").monthlyMin).toBeCloseTo(2 * 149.28, 9);
    expect(line("cluster-general").monthlyMax).toBeCloseTo(4 * 149.28, 9);
    expect(line("cluster-eks").monthlyMin).toBeCloseTo(73, 9);
    // Multi-AZ doubles instance and storage: 2 x (0.272 x 730 + 100 x 0.131) = 2 x 211.66.
    expect(line("data-postgres").monthlyMin).toBeCloseTo(423.32, 9);
    // The replica inherits the primary's storage size and type.
    expect(line("data-postgres-replica").monthlyMin).toBeCloseTo(211.66, 9);
    expect(line("data-redis").monthlyMin).toBeCloseTo(2 * 0.039 * H, 9);
    expect(line("network-nat-a", "aws:ec2/natGateway:NatGateway").monthlyMin).toBeCloseTo(43.07, 9);
    expect(line("network-nat-a", "aws:ec2/eip:Eip").monthlyMin).toBeCloseTo(3.65, 9);
    // ALB hours plus one public IPv4 address per subnet.
    expect(line("edge-alb").monthlyMin).toBeCloseTo(16.425 + 2 * 3.65, 9);
    expect(line("security-key").monthlyMin).toBe(1);
    expect(line("data-postgres-credentials").monthlyMin).toBeCloseTo(0.4, 9);
    const fixed = 73 + 423.32 + 211.66 + 56.94 + 43.07 + 3.65 + 23.725 + 1 + 0.4;
    expect(cost.monthlyMin).toBeCloseTo(fixed + 2 * 149.28, 6);
    expect(cost.monthlyMax).toBeCloseTo(fixed + 4 * 149.28, 6);
  });

  it("groups cost by the top-level component each resource sits under", () => {
    const by = Object.fromEntries(cost.byComponent.map((c) => [c.component, c.monthlyMin]));
    expect(by.cluster).toBeCloseTo(73 + 2 * 149.28, 6);
    expect(by.data).toBeCloseTo(423.32 + 211.66 + 56.94 + 0.4, 6);
    expect(by.network).toBeCloseTo(43.07 + 3.65 + 1, 6);
    expect(by.edge).toBeCloseTo(23.725, 6);
  });

  it("never drops a resource: each is priced, usage-based, free or listed as not priced", () => {
    expect(cost.notPriced).toEqual([{ name: "edge-alerts", type: "aws:sns/topic:Topic", component: "edge", reason: "no price entry for this type" }]);
    expect(cost.usageBased.map((u) => u.name).sort()).toEqual(["data-archive", "edge-alb", "network-nat-a"]);
    const free = Object.values(cost.free).reduce((a, b) => a + b, 0);
    expect(cost.lines.length + cost.usageBased.filter((u) => u.name === "data-archive").length + free + cost.notPriced.length).toBe(idx.resources.filter((r) => r.custom).length);
  });

  it("prices spot pools at on-demand and says so, and lists an instance type the table lacks as not priced", () => {
    const rs = tinyStack({ nodeSubnets: "ab", dbMultiAz: true, cacheNodes: 2, dbWaitsForCluster: false }).map((r) =>
      r.name === "cluster-general" && r.type === "aws:eks/nodeGroup:NodeGroup" ? { ...r, inputs: { ...r.inputs, capacityType: "SPOT", instanceTypes: ["r5.xlarge", "r5a.xlarge"] } } : r,
    );
    const spot = estimateCost(new ResourceIndex(rs), P).lines.find((l) => l.name === "cluster-general");
    expect(spot?.monthlyMin).toBeCloseTo(2 * (0.304 * H + 9.12), 9);
    expect(spot?.notes).toEqual(expect.arrayContaining([P.spotPolicy, "priced at the first listed type of r5.xlarge, r5a.xlarge"]));
    const odd = rs.map((r) => (r.type === "aws:eks/nodeGroup:NodeGroup" ? { ...r, inputs: { ...r.inputs, instanceTypes: ["m7g.large"] } } : r));
    expect(estimateCost(new ResourceIndex(odd), P).notPriced.map((n) => [n.name, n.reason])).toContainEqual(["cluster-general", "no EC2 price for m7g.large in the table"]);
  });

  it("states its sources, date and monthly-hours convention", () => {
    expect(cost.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(cost.hoursPerMonth).toBe(730);
    expect(Object.keys(cost.sources)).toEqual(expect.arrayContaining(["ec2", "eks", "vpc", "elb", "rds", "elasticache", "kms"]));
  });
});

describe("critical path", () => {
  it("is the longest duration-weighted chain of a hand-built graph", () => {
    // a(5) <- b(10) <- d(7); a <- c(30) <- d; e(1) alone. Longest: a, c, d = 42.
    const nodes = new Map([["a", 5], ["b", 10], ["c", 30], ["d", 7], ["e", 1]]);
    const edges = [
      { from: "b", to: "a" },
      { from: "c", to: "a" },
      { from: "d", to: "b" },
      { from: "d", to: "c" },
    ];
    const r = longestPath(nodes, edges);
    expect(r.length).toBe(42);
    expect(r.path).toEqual(["a", "c", "d"]);
    expect(r.finish.get("b")).toBe(15);
    expect(() => longestPath(new Map([["x", 1], ["y", 1]]), [{ from: "x", to: "y" }, { from: "y", to: "x" }])).toThrow("dependency cycle");
  });

  it("times a stack from its registered dependencies, flags a database waiting on the cluster, and bounds it below", () => {
    const t = analyseTimeline(new ResourceIndex(tinyStack({ nodeSubnets: "ab", dbMultiAz: true, cacheNodes: 2, dbWaitsForCluster: true })));
    // vpc 5 + subnet 5 + EKS 600 + Multi-AZ RDS 1080 + replica 720.
    expect(t.criticalPathSeconds).toBe(2410);
    expect(t.criticalPath.map((s) => s.name)).toEqual(["network-vpc", "network-private-a", "cluster-eks", "data-postgres", "data-postgres-replica"]);
    expect(t.unneededDependencies).toEqual([{ from: "data-postgres", fromType: "aws:rds/instance:Instance", fromArea: "data", to: "cluster-eks", toType: "aws:eks/cluster:Cluster", toArea: "cluster" }]);
    // Without it: vpc 5 + subnet 5 + subnet group 3 + RDS 1080 + replica 720.
    expect(t.withoutUnneededSeconds).toBe(1813);
    expect(t.lowerBoundSeconds).toBe(1813);
    expect(t.lowerBoundPath.map((s) => s.name)).toEqual(["network-vpc", "network-private-a", "network-db", "data-postgres", "data-postgres-replica"]);
  });

  // The timeline uses only the waits the program registers: a release with no edge to its nodes is
  // reported, not given the wait it lacks.
  const noDb = (): RecordedResource[] => tinyStack({ nodeSubnets: "ab", dbMultiAz: false, cacheNodes: 1, dbWaitsForCluster: false }).filter((r) => !r.name.startsWith("data-postgres"));
  const withCoreDns = (rs: RecordedResource[]): RecordedResource[] => {
    const cluster = rs.find((r) => r.name === "cluster");
    const ng = rs.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
    if (!cluster || !ng) throw new Error("tiny stack without cluster");
    return [...rs, res("aws:eks/addon:Addon", "cluster-coredns", { addonName: "coredns", clusterName: "cluster-eks-phys" }, { parent: cluster, deps: [ng] })];
  };
  const urnOfName = (rs: readonly RecordedResource[], name: string): string => {
    const r = rs.find((x) => x.name === name && x.custom);
    if (!r) throw new Error(name);
    return r.urn;
  };

  it("gives a Helm release with no declared edge to its nodes no wait, and reports it as a finding", () => {
    const rs = withCoreDns(noDb());
    const t = analyseTimeline(new ResourceIndex(rs));
    // vpc 5 + subnet 5 + EKS 600 + node group 240 + CoreDNS 60; the release (240) only waits for the provider (EKS): 850.
    expect(t.criticalPathSeconds).toBe(910);
    expect(t.criticalPath.map((s) => s.name)).toEqual(["network-vpc", "network-private-a", "cluster-eks", "cluster-general", "cluster-coredns"]);
    expect(t.missingPoolWaits.map((m) => `${m.name}: ${m.problem}`)).toEqual([
      "observability-prometheus: does not wait for node group cluster-general (no node selection: untainted nodes, the system pool)",
      "observability-prometheus: does not wait for CoreDNS (cluster-coredns)",
    ]);
    expect(t.defaultDuration).toEqual({ "aws:sns/topic:Topic": 1 });
  });

  it("times a release after its nodes and CoreDNS when it declares them, and bounds it below by the same chain", () => {
    const base = withCoreDns(noDb());
    const waits = [urnOfName(base, "cluster-general"), urnOfName(base, "cluster-coredns")];
    const rs = base.map((r) => (r.name === "observability-prometheus" ? { ...r, dependencies: waits } : r));
    const t = analyseTimeline(new ResourceIndex(rs));
    // vpc 5 + subnet 5 + EKS 600 + node group 240 + CoreDNS 60 + kube-prometheus-stack 240.
    expect(t.criticalPathSeconds).toBe(1150);
    expect(t.criticalPath.map((s) => s.name)).toEqual(["network-vpc", "network-private-a", "cluster-eks", "cluster-general", "cluster-coredns", "observability-prometheus"]);
    expect(t.criticalPath.at(-1)?.durationKey).toBe("kubernetes:helm.sh/v3:Release (kube-prometheus-stack)");
    expect(t.lowerBoundSeconds).toBe(1150);
    expect(t.missingPoolWaits).toEqual([]);
  });

  it("makes a child wait for what its component parent waits for, as the SDK registers it", () => {
    const base = withCoreDns(noDb());
    const obs = res("entasis:observability:Monitoring", "observability", {}, { deps: base.filter((r) => r.name === "cluster-general" || r.name === "cluster-coredns") });
    const rs = [...base.map((r) => (r.name === "observability-prometheus" ? { ...r, parent: obs.urn } : r)), obs];
    const t = analyseTimeline(new ResourceIndex(rs));
    expect(t.criticalPathSeconds).toBe(1150);
    expect(t.criticalPath.at(-1)?.name).toBe("observability-prometheus");
    expect(t.missingPoolWaits).toEqual([]);
  });
});

describe("failure domains", () => {
  it("finds no single-zone point of failure when every tier spans two zones", () => {
    const f = analyseFailureDomains(new ResourceIndex(tinyStack({ nodeSubnets: "ab", dbMultiAz: true, cacheNodes: 2, dbWaitsForCluster: false })), "prod");
    expect(f.singlePoints).toEqual([]);
    expect(f.verdict.ok).toBe(true);
    const b = f.perZone.find((z) => z.zone === "ap-northeast-2b");
    expect(b?.degraded).toEqual(expect.arrayContaining([expect.stringContaining("data-postgres (database (Multi-AZ)"), expect.stringContaining("cluster-general (node group")]));
  });

  it("names a one-zone pool, a single-AZ database and a one-node cache, and fails prod", () => {
    const f = analyseFailureDomains(new ResourceIndex(tinyStack({ nodeSubnets: "a", dbMultiAz: false, cacheNodes: 1, dbWaitsForCluster: false })), "prod");
    expect(f.singlePoints.map((s) => [s.zone, s.name])).toEqual([
      ["ap-northeast-2a", "cluster-general"],
      ["ap-northeast-2a", "data-redis"],
      ["one AZ chosen by AWS", "data-postgres"],
    ]);
    expect(f.verdict).toMatchObject({ requireHa: true, ok: false });
    expect(f.verdict.text).toContain("NOT highly available: 3 single-zone point(s) of failure");
    const dev = analyseFailureDomains(new ResourceIndex(tinyStack({ nodeSubnets: "a", dbMultiAz: false, cacheNodes: 1, dbWaitsForCluster: false })), "dev");
    expect(dev.verdict).toMatchObject({ requireHa: false, ok: true });
    expect(dev.verdict.text).toContain("accepted for cost in dev");
  });
});

describe("diagram", () => {
  it("draws internet -> ALB -> target group -> Service -> trading-api -> Postgres, Redis and S3, one box per component", () => {
    const base = tinyStack({ nodeSubnets: "ab", dbMultiAz: true, cacheNodes: 2, dbWaitsForCluster: false });
    const edge = base.find((r) => r.name === "edge");
    const find = (name: string): RecordedResource => {
      const r = base.find((x) => x.name === name && x.custom);
      if (!r) throw new Error(name);
      return r;
    };
    const k8s = find("cluster-k8s");
    const tg = res("aws:lb/targetGroup:TargetGroup", "edge-trading-api", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "network-vpc-id" }, { parent: edge, deps: [find("network-vpc")] });
    const listener = res(
      "aws:lb/listener:Listener",
      "edge-https",
      { loadBalancerArn: find("edge-alb").state.arn, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: tg.state.arn }] },
      { parent: edge, deps: [find("edge-alb"), tg] },
    );
    const dbSecret = res("kubernetes:core/v1:Secret", "edge-trading-api-db", { metadata: { name: "trading-api-db" } }, { parent: edge, provider: k8s, deps: [find("data-postgres"), find("data-redis"), find("data-archive")] });
    const deployment = res(
      "kubernetes:apps/v1:Deployment",
      "edge-trading-api",
      { metadata: { name: "trading-api" }, spec: { replicas: 3, template: { metadata: { labels: { app: "trading-api" } } } } },
      { parent: edge, provider: k8s, deps: [dbSecret] },
    );
    const service = res("kubernetes:core/v1:Service", "edge-trading-api", { metadata: { name: "trading-api" }, spec: { type: "ClusterIP", selector: { app: "trading-api" } } }, { parent: edge, provider: k8s });
    const tgb = res("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "edge-trading-api", { spec: { targetGroupARN: tg.state.arn, serviceRef: { name: "trading-api", port: 8080 } } }, { parent: edge, provider: k8s, deps: [tg] });
    const m = renderMermaid(new ResourceIndex([...base, tg, listener, dbSecret, deployment, service, tgb]));
    expect(m.startsWith("graph LR\n")).toBe(true);
    for (const box of ['subgraph c_network["network (entasis:network:Network)"]', 'subgraph c_cluster["cluster (entasis:cluster:Cluster)"]', 'subgraph c_data["data (entasis:data:Data)"]', 'subgraph c_edge["edge (entasis:edge:Edge)"]']) expect(m).toContain(box);
    expect(m).toContain("internet -->|HTTPS| edge_alb");
    expect(m).toContain("edge_alb -->|HTTPS 443| edge_trading_api\n");
    expect(m).toContain("edge_trading_api -->|targets| edge_trading_api_Service");
    expect(m).toContain("edge_trading_api_Service -->|pods| edge_trading_api_Deployment");
    expect(m).toContain("edge_trading_api_Deployment -->|SQL| data_postgres");
    expect(m).toContain("edge_trading_api_Deployment -->|Redis| data_redis");
    expect(m).toContain("edge_trading_api_Deployment -->|S3 API| data_archive");
    expect(m).toContain("data_postgres -->|replication| data_postgres_replica");
    expect(m).toContain('data_postgres[("data-postgres<br/>PostgreSQL db.r6g.large Multi-AZ")]');
    // Not drawn: route associations, IAM, the TargetGroupBinding and the Kubernetes Secret.
    expect(m).not.toContain("TargetGroupBinding");
    expect(m).not.toContain("edge_trading_api_db");
    expect(m).toContain("security_key -.->|encrypts| data_postgres\n");
  });
});
