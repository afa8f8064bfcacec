import { RecordedResource } from "../offline/harness";
import { ResourceIndex, boolOf, field, listOf, numOf, shortType, strListOf, strOf } from "./model";

/** Resource types drawn as nodes; everything else (route associations, rules, policies) is not. */
const SHOWN: Readonly<Record<string, (r: RecordedResource, idx: ResourceIndex) => string>> = {
  "aws:ec2/vpc:Vpc": (r) => `VPC ${strOf(r.inputs, "cidrBlock") ?? ""}`,
  "aws:ec2/internetGateway:InternetGateway": () => "internet gateway",
  "aws:ec2/natGateway:NatGateway": (r, idx) => `NAT gateway ${zoneOf(idx, strOf(r.inputs, "subnetId"))}`,
  "aws:ec2/subnet:Subnet": (r) => `${strOf(field(r.inputs, "tags"), "Tier") ?? ""} subnet ${strOf(r.inputs, "availabilityZone") ?? ""} ${strOf(r.inputs, "cidrBlock") ?? ""}`,
  "aws:ec2/vpcEndpoint:VpcEndpoint": (r) => `${strOf(r.inputs, "vpcEndpointType") ?? "Gateway"} endpoint ${(strOf(r.inputs, "serviceName") ?? "").split(".").pop() ?? ""}`,
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": () => "VPC peering",
  "aws:ec2/instance:Instance": (r) => `EC2 ${strOf(r.inputs, "instanceType") ?? ""}`,
  "aws:cloudwatch/logGroup:LogGroup": (r) => `log group ${strOf(r.inputs, "name") ?? ""}`,
  "aws:kms/key:Key": () => "KMS key",
  "aws:eks/cluster:Cluster": (r) => `EKS ${strOf(r.inputs, "version") ?? ""}`,
  "aws:eks/nodeGroup:NodeGroup": (r) => {
    const sc = field(r.inputs, "scalingConfig");
    return `node group ${strListOf(r.inputs, "instanceTypes").join("/")} ${numOf(sc, "minSize") ?? "?"}..${numOf(sc, "maxSize") ?? "?"}${strOf(r.inputs, "capacityType") === "SPOT" ? " spot" : ""}`;
  },
  "kubernetes:helm.sh/v3:Release": (r) => `Helm ${strOf(r.inputs, "chart") ?? ""} ${strOf(r.inputs, "version") ?? ""}`,
  "kubernetes:apps/v1:Deployment": () => "Deployment",
  "kubernetes:apps/v1:StatefulSet": () => "StatefulSet",
  "kubernetes:core/v1:Service": (r) => `Service ${strOf(field(r.inputs, "spec"), "type") ?? "ClusterIP"}`,
  "aws:rds/instance:Instance": (r) => `${strOf(r.inputs, "replicateSourceDb") !== undefined ? "read replica" : "PostgreSQL"} ${strOf(r.inputs, "instanceClass") ?? ""}${boolOf(r.inputs, "multiAz") === true ? " Multi-AZ" : ""}`,
  "aws:rds/proxy:Proxy": () => "RDS Proxy",
  "aws:elasticache/replicationGroup:ReplicationGroup": (r) => `Redis ${strOf(r.inputs, "nodeType") ?? ""} x${numOf(r.inputs, "numCacheClusters") ?? 1}`,
  "aws:s3/bucket:Bucket": () => "S3 bucket",
  "aws:s3/bucketV2:BucketV2": () => "S3 bucket",
  "aws:secretsmanager/secret:Secret": () => "secret",
  "aws:lb/loadBalancer:LoadBalancer": (r) => `ALB ${boolOf(r.inputs, "internal") === true ? "internal" : "internet-facing"}`,
  "aws:lb/targetGroup:TargetGroup": (r) => `target group ${strOf(r.inputs, "protocol") ?? ""} ${numOf(r.inputs, "port") ?? ""}`,
  "aws:mq/broker:Broker": (r) => `RabbitMQ ${strOf(r.inputs, "engineVersion") ?? ""} ${strOf(r.inputs, "hostInstanceType") ?? ""}${strOf(r.inputs, "deploymentMode") === "CLUSTER_MULTI_AZ" ? " x3 cluster" : " single"}`,
  "aws:ssm/parameter:Parameter": (r) => `${strOf(r.inputs, "type") ?? "String"} ${(strOf(r.inputs, "name") ?? "").split("/").slice(4).join("/")}`,
  "kubernetes:batch/v1:Job": () => "Job",
  "aws:backup/vault:Vault": () => "backup vault",
  "aws:backup/plan:Plan": () => "backup plan",
  "kubernetes:postgresql.cnpg.io/v1:Cluster": (r) => {
    const spec = field(r.inputs, "spec");
    const sync = numOf(field(field(spec, "postgresql"), "synchronous"), "number");
    return `TimescaleDB (CNPG) x${numOf(spec, "instances") ?? 1}${sync ? ` sync ${sync}` : ""}`;
  },
  "kubernetes:postgresql.cnpg.io/v1:Pooler": (r) => `PgBouncer x${numOf(field(r.inputs, "spec"), "instances") ?? 1}`,
  "kubernetes:barmancloud.cnpg.io/v1:ObjectStore": () => "Barman object store",
};
const CNPG_CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";

const SUBNET = "aws:ec2/subnet:Subnet";
const VPC = "aws:ec2/vpc:Vpc";
const STORES = new Set(["kubernetes:postgresql.cnpg.io/v1:Cluster", "aws:rds/instance:Instance", "aws:rds/proxy:Proxy", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:mq/broker:Broker"]);
const STORE_PROTOCOL: Readonly<Record<string, string>> = {
  "aws:rds/instance:Instance": "SQL",
  "aws:rds/proxy:Proxy": "SQL",
  "aws:elasticache/replicationGroup:ReplicationGroup": "Redis",
  "aws:s3/bucket:Bucket": "S3 API",
  "aws:s3/bucketV2:BucketV2": "S3 API",
};
const WORKLOADS = new Set(["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:helm.sh/v3:Release"]);

function zoneOf(idx: ResourceIndex, subnetId: string | undefined): string {
  return strOf(idx.resolve(subnetId, SUBNET)?.inputs, "availabilityZone") ?? "";
}

interface Link {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly style: "traffic" | "placement";
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, "_");
const text = (s: string): string => s.replace(/"/g, "'").replace(/\s+/g, " ").trim();

/** Shown resources a resource depends on, looking through resources that are not drawn. */
function shownDeps(idx: ResourceIndex, r: RecordedResource, seen = new Set<string>()): RecordedResource[] {
  const out: RecordedResource[] = [];
  for (const urn of r.dependencies) {
    const d = idx.get(urn);
    if (!d || seen.has(urn)) continue;
    seen.add(urn);
    if (d.custom && SHOWN[d.type]) out.push(d);
    else out.push(...shownDeps(idx, d, seen));
  }
  return out;
}

function links(idx: ResourceIndex, shown: ReadonlySet<string>): Link[] {
  const out: Link[] = [];
  const add = (from: RecordedResource | undefined, to: RecordedResource | undefined, label: string, style: Link["style"] = "traffic"): void => {
    if (from && to && shown.has(from.urn) && shown.has(to.urn) && from.urn !== to.urn) out.push({ from: from.urn, to: to.urn, label, style });
  };
  const igw = idx.ofType("aws:ec2/internetGateway:InternetGateway")[0];
  const tablesSubnets = (tableId: string | undefined): RecordedResource[] =>
    idx
      .ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
      .filter((a) => strOf(a.inputs, "routeTableId") === tableId)
      .map((a) => idx.resolve(strOf(a.inputs, "subnetId"), SUBNET))
      .filter((s): s is RecordedResource => s !== undefined);
  // Default routes: who leaves the VPC through what.
  for (const route of idx.ofType("aws:ec2/route:Route").filter((x) => strOf(x.inputs, "destinationCidrBlock") === "0.0.0.0/0")) {
    const target = idx.resolve(strOf(route.inputs, "natGatewayId"), "aws:ec2/natGateway:NatGateway") ?? idx.resolve(strOf(route.inputs, "gatewayId"), "aws:ec2/internetGateway:InternetGateway");
    for (const s of tablesSubnets(strOf(route.inputs, "routeTableId"))) add(s, target, "0.0.0.0/0");
  }
  for (const nat of idx.ofType("aws:ec2/natGateway:NatGateway")) {
    add(idx.resolve(strOf(nat.inputs, "subnetId"), SUBNET), nat, "hosts", "placement");
    add(nat, igw, "egress");
  }
  for (const inst of idx.ofType("aws:ec2/instance:Instance")) add(inst, idx.resolve(strOf(inst.inputs, "subnetId"), SUBNET), "in", "placement");
  for (const fl of idx.ofType("aws:ec2/flowLog:FlowLog")) add(idx.resolve(strOf(fl.inputs, "vpcId"), VPC), idx.resolve(strOf(fl.inputs, "logDestination"), "aws:cloudwatch/logGroup:LogGroup"), "flow logs");
  for (const ep of idx.ofType("aws:ec2/vpcEndpoint:VpcEndpoint")) add(idx.resolve(strOf(ep.inputs, "vpcId"), VPC), ep, "AWS API", "placement");
  for (const l of idx.ofType("aws:lb/listener:Listener")) {
    const lb = idx.resolve(strOf(l.inputs, "loadBalancerArn"), "aws:lb/loadBalancer:LoadBalancer");
    for (const a of listOf(l.inputs, "defaultActions")) add(lb, idx.resolve(strOf(a, "targetGroupArn"), "aws:lb/targetGroup:TargetGroup"), `${strOf(l.inputs, "protocol") ?? ""} ${numOf(l.inputs, "port") ?? ""}`.trim());
  }
  for (const pt of idx.ofType("aws:rds/proxyTarget:ProxyTarget")) {
    const proxy = idx.ofType("aws:rds/proxy:Proxy").find((p) => strOf(p.state, "name") === strOf(pt.inputs, "dbProxyName")) ?? idx.resolve(strOf(pt.inputs, "dbProxyName"), "aws:rds/proxy:Proxy");
    add(proxy, idx.ofType("aws:rds/instance:Instance").find((d) => strOf(d.inputs, "identifier") === strOf(pt.inputs, "dbInstanceIdentifier")) ?? idx.resolve(strOf(pt.inputs, "dbInstanceIdentifier"), "aws:rds/instance:Instance"), "pooled SQL");
  }
  for (const db of idx.ofType("aws:rds/instance:Instance")) add(idx.resolve(strOf(db.inputs, "replicateSourceDb"), "aws:rds/instance:Instance"), db, "replication");
  // Listener rules route a path to another target group (the WebSocket path).
  for (const rule of idx.ofType("aws:lb/listenerRule:ListenerRule")) {
    const listener = idx.resolve(strOf(rule.inputs, "listenerArn"), "aws:lb/listener:Listener");
    const lb = idx.resolve(strOf(listener?.inputs, "loadBalancerArn"), "aws:lb/loadBalancer:LoadBalancer");
    const paths = listOf(rule.inputs, "conditions").flatMap((c) => strListOf(field(c, "pathPattern"), "values"));
    for (const a of listOf(rule.inputs, "actions")) add(lb, idx.resolve(strOf(a, "targetGroupArn"), "aws:lb/targetGroup:TargetGroup"), paths.join(" "));
  }
  // Workloads that read a broker user's secret talk AMQPS to that broker; the user provisioner Job
  // talks to its management API.
  for (const broker of idx.ofType("aws:mq/broker:Broker")) {
    const secrets = new Set(idx.ofType("aws:secretsmanager/secret:Secret").filter((x) => x.parent === broker.parent).map((x) => x.urn));
    for (const w of idx.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment" && x.dependencies.some((d) => secrets.has(d)))) add(w, broker, "AMQPS");
    for (const job of idx.ofType("kubernetes:batch/v1:Job").filter((x) => x.dependencies.includes(broker.urn))) add(job, broker, "management API");
  }
  for (const r of idx.resources.filter((x) => x.custom && shown.has(x.urn))) {
    for (const d of shownDeps(idx, r)) {
      if (d.type === "aws:kms/key:Key") add(d, r, "encrypts", "placement");
      else if (WORKLOADS.has(r.type) && STORES.has(d.type)) add(r, d, STORE_PROTOCOL[d.type] ?? "data");
      else if (d.type === "aws:lb/targetGroup:TargetGroup" && r.type.startsWith("kubernetes:")) add(d, r, "targets");
      else if (r.type === "aws:backup/plan:Plan" && d.type === "aws:backup/vault:Vault") add(r, d, "stores in");
      else if (r.type === "kubernetes:postgresql.cnpg.io/v1:Pooler" && d.type === CNPG_CLUSTER) add(r, d, "pooled SQL");
      else if (r.type === CNPG_CLUSTER && d.type === "kubernetes:barmancloud.cnpg.io/v1:ObjectStore") add(r, d, "WAL + base backups");
      // Only the pool it waits for directly (CoreDNS, also a dependency, waits for every pool).
      else if (r.type === CNPG_CLUSTER && d.type === "aws:eks/nodeGroup:NodeGroup" && r.dependencies.includes(d.urn)) add(r, d, "runs on", "placement");
      else if (r.type === "kubernetes:barmancloud.cnpg.io/v1:ObjectStore" && STORES.has(d.type)) add(r, d, "S3 API");
    }
  }
  // The AWS Load Balancer Controller's TargetGroupBinding registers a Service's pods in a target group.
  for (const tgb of idx.resources.filter((x) => x.type.startsWith("kubernetes:elbv2.k8s.aws/") && x.type.endsWith(":TargetGroupBinding"))) {
    const spec = field(tgb.inputs, "spec");
    const svcName = strOf(field(spec, "serviceRef"), "name");
    const svc = idx.ofType("kubernetes:core/v1:Service").find((x) => strOf(field(x.inputs, "metadata"), "name") === svcName);
    add(idx.resolve(strOf(spec, "targetGroupARN"), "aws:lb/targetGroup:TargetGroup"), svc, "targets");
  }
  // A Service selects the pods of the workload whose template labels it matches.
  for (const svc of idx.ofType("kubernetes:core/v1:Service")) {
    const sel = field(field(svc.inputs, "spec"), "selector");
    if (typeof sel !== "object" || sel === null) continue;
    for (const w of idx.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment" || x.type === "kubernetes:apps/v1:StatefulSet")) {
      const labels = field(field(field(field(w.inputs, "spec"), "template"), "metadata"), "labels");
      if (Object.entries(sel).every(([k, v]) => field(labels, k) === v)) add(svc, w, "pods");
    }
  }
  const key = (l: Link): string => `${l.from}|${l.to}|${l.label}`;
  return [...new Map(out.map((l) => [key(l), l])).values()];
}

/** Mermaid flowchart of a stack: a subgraph per top-level component, traffic and data arrows. */
export function renderMermaid(idx: ResourceIndex): string {
  const shownRes = idx.resources.filter((r) => r.custom && SHOWN[r.type] !== undefined);
  const shown = new Set(shownRes.map((r) => r.urn));
  const ids = new Map<string, string>();
  for (const r of shownRes) {
    let id = safe(r.name);
    if ([...ids.values()].includes(id)) id = safe(`${r.name}_${shortType(r.type)}`);
    ids.set(r.urn, id);
  }
  const byComponent = new Map<string, RecordedResource[]>();
  for (const r of shownRes) {
    const c = idx.componentLabel(r);
    byComponent.set(c, [...(byComponent.get(c) ?? []), r]);
  }
  const lines = ["graph LR", '  internet(("Internet"))'];
  for (const comp of [...byComponent.keys()].sort()) {
    const top = byComponent.get(comp)?.[0];
    const topRes = top ? idx.topLevel(top) : undefined;
    lines.push(`  subgraph ${safe(`c_${comp}`)}["${text(comp)}${topRes && !topRes.custom ? ` (${topRes.type})` : ""}"]`);
    const members = (byComponent.get(comp) ?? []).slice().sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    for (const r of members) {
      const label = `${text(r.name)}<br/>${text(SHOWN[r.type](r, idx))}`;
      const shape = STORES.has(r.type) || r.type === "aws:backup/vault:Vault" ? [`[("`, `")]`] : [`["`, `"]`];
      lines.push(`    ${ids.get(r.urn)}${shape[0]}${label}${shape[1]}`);
    }
    lines.push("  end");
  }
  for (const igw of idx.ofType("aws:ec2/internetGateway:InternetGateway")) lines.push(`  internet <-->|traffic| ${ids.get(igw.urn)}`);
  for (const lb of idx.ofType("aws:lb/loadBalancer:LoadBalancer").filter((x) => boolOf(x.inputs, "internal") !== true)) lines.push(`  internet -->|HTTPS| ${ids.get(lb.urn)}`);
  const ls = links(idx, shown).sort((a, b) => (ids.get(a.from) ?? "").localeCompare(ids.get(b.from) ?? "") || (ids.get(a.to) ?? "").localeCompare(ids.get(b.to) ?? "") || a.label.localeCompare(b.label));
  for (const l of ls) lines.push(`  ${ids.get(l.from)} ${l.style === "traffic" ? "-->" : "-.->"}|${text(l.label)}| ${ids.get(l.to)}`);
  return `${lines.join("\n")}\n`;
}

/** The checked-in Markdown page for a stack's diagram. */
export function diagramMarkdown(stack: string, idx: ResourceIndex): string {
  return [
    `# Architecture: ${stack}`,
    "",
    `Generated from the resources the program registers for stack \`${stack}\` (offline, under mocks) by`,
    "`npm run diagrams`, and by `npm run plan -- " + stack + "`. Do not edit by hand: `tests/insights-stacks.test.ts`",
    "regenerates it and fails when this file differs.",
    "",
    "Solid arrows are traffic and data paths; dotted arrows are placement and encryption. One box per",
    "top-level component; route associations, rules and policies are not drawn.",
    "",
    "```mermaid",
    renderMermaid(idx).trimEnd(),
    "```",
    "",
  ].join("\n");
}
