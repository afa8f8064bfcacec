import { RecordedResource } from "../offline/harness";
import { Price, PriceBasis, PriceTable, SOURCES } from "./prices-ap-northeast-2";
import { ResourceIndex, boolOf, field, listOf, numOf, strListOf, strOf } from "./model";
import { DR_RATES } from "./prices-dr";

/** Region a resource is created in when its explicit AWS provider names one (the DR region). */
function regionOf(r: RecordedResource, idx: ResourceIndex): string | undefined {
  const provider = idx.providerOf(r);
  return provider?.type === "pulumi:providers:aws" ? strOf(provider.inputs, "region") : undefined;
}

/** The stack's DR region: the region of its explicit AWS provider, if any. */
function drRegionOf(idx: ResourceIndex): string | undefined {
  return idx.ofType("pulumi:providers:aws").map((p) => strOf(p.inputs, "region")).find((x): x is string => x !== undefined);
}

/** Usage rate of a cross-region copy: transfer out of the stack's region plus storage in the DR region. */
function drCopyRate(idx: ResourceIndex, what: string, storage: "s3StandardGbMonth" | "backupWarmGbMonth" | "rdsBackupGbMonth"): Rule {
  const dr = drRegionOf(idx);
  const rates = dr ? DR_RATES[dr] : undefined;
  if (!dr || !rates) return { kind: "unpriced", reason: `no DR rates for ${dr ?? "(no DR region)"} in tools/insights/prices-dr.ts` };
  return { kind: "usage", rate: `${rates.interRegionTransferGb.usd}/GB ${what} to ${dr} + ${rates[storage].usd}/GB-month kept there (estimates, tools/insights/prices-dr.ts)` };
}

/** One resource's monthly cost; min and max differ only for autoscaled capacity (node pools). */
export interface CostLine {
  readonly name: string;
  readonly type: string;
  readonly component: string;
  readonly monthlyMin: number;
  readonly monthlyMax: number;
  /** How the figure was computed, e.g. `2..4 x c5.xlarge (0.192/h) + 100 GiB gp3 each`. */
  readonly formula: string;
  /** The weakest basis among the prices used ("estimate" beats "observed" beats "published"). */
  readonly basis: PriceBasis;
  readonly notes: readonly string[];
}

/** A resource billed by use (GB, requests, LCUs): listed with its rate, never summed. */
export interface UsageLine {
  readonly name: string;
  readonly type: string;
  readonly component: string;
  readonly rate: string;
}

export interface UnpricedLine {
  readonly name: string;
  readonly type: string;
  readonly component: string;
  readonly reason: string;
}

export interface ComponentCost {
  readonly component: string;
  readonly monthlyMin: number;
  readonly monthlyMax: number;
  readonly resources: number;
}

export interface CostReport {
  readonly region: string;
  readonly currency: string;
  readonly retrievedOn: string;
  readonly hoursPerMonth: number;
  readonly spotPolicy: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly monthlyMin: number;
  readonly monthlyMax: number;
  readonly byComponent: readonly ComponentCost[];
  readonly lines: readonly CostLine[];
  readonly usageBased: readonly UsageLine[];
  /** Types with no charge of their own, with how many of each. */
  readonly free: Readonly<Record<string, number>>;
  /** Resources of types with no price entry, or whose inputs name something the table lacks. */
  readonly notPriced: readonly UnpricedLine[];
}

type Rule =
  | { kind: "priced"; min: number; max: number; formula: string; prices: readonly Price[]; notes?: string[] }
  | { kind: "usage"; rate: string }
  | { kind: "free" }
  | { kind: "unpriced"; reason: string };

/** Types that cost nothing by themselves (their traffic, if any, is billed elsewhere). */
const FREE_TYPES = new Set([
  // Attaching a web ACL to a load balancer has no charge of its own (https://aws.amazon.com/waf/pricing/).
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  // Account settings of AWS Backup: no charge of their own (https://aws.amazon.com/backup/pricing/).
  "aws:backup/regionSettings:RegionSettings",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  "aws:backup/vaultPolicy:VaultPolicy",
  // Object Lock and GuardDuty's per-feature switches are settings; the detector bills the usage.
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:guardduty/detectorFeature:DetectorFeature",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policy:Policy",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:kms/alias:Alias",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
  "aws:rds/proxyTarget:ProxyTarget",
  "aws:elasticache/subnetGroup:SubnetGroup",
  "aws:elasticache/parameterGroup:ParameterGroup",
  "aws:lb/targetGroup:TargetGroup",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:eks/addon:Addon",
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:backup/selection:Selection",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  // A container for schedules; the schedules' invocations are billed (https://aws.amazon.com/eventbridge/pricing/).
  "aws:scheduler/scheduleGroup:ScheduleGroup",
]);

const BASIS_RANK: Record<PriceBasis, number> = { published: 0, observed: 1, estimate: 2 };

function weakest(prices: readonly Price[]): PriceBasis {
  return prices.reduce<PriceBasis>((b, p) => (BASIS_RANK[p.basis] > BASIS_RANK[b] ? p.basis : b), "published");
}

/** Root or node volume price per GB-month for a volume type (gp3 unless gp2 is named). */
function ebsPrice(t: PriceTable, volumeType: string | undefined): Price {
  return volumeType === "gp2" ? t.other.ebsGp2GbMonth : t.other.ebsGp3GbMonth;
}

const LT = "aws:ec2/launchTemplate:LaunchTemplate";

/** Node volume size of a node group: launch template EBS size, else `diskSize`, else EKS's 20 GiB. */
function nodeVolume(ng: RecordedResource, idx: ResourceIndex): { gib: number; type?: string; from: string } {
  const lt = idx.resolve(field(ng.inputs.launchTemplate, "id"), LT) ?? idx.ofType(LT).find((l) => strOf(l.state, "name") === field(ng.inputs.launchTemplate, "name"));
  if (lt) {
    for (const m of listOf(lt.inputs, "blockDeviceMappings")) {
      const size = numOf(field(m, "ebs"), "volumeSize");
      if (size !== undefined) return { gib: size, type: strOf(field(m, "ebs"), "volumeType"), from: `launch template ${lt.name}` };
    }
  }
  const disk = numOf(ng.inputs, "diskSize");
  if (disk !== undefined) return { gib: disk, from: "diskSize" };
  return { gib: 20, from: "EKS default diskSize" };
}

function rule(r: RecordedResource, idx: ResourceIndex, t: PriceTable): Rule | undefined {
  const H = t.hoursPerMonth;
  const o = t.other;
  const inp = r.inputs;
  switch (r.type) {
    case "aws:eks/cluster:Cluster":
      return { kind: "priced", min: o.eksControlPlane.usd * H, max: o.eksControlPlane.usd * H, formula: `control plane ${o.eksControlPlane.usd}/h`, prices: [o.eksControlPlane] };
    case "aws:eks/nodeGroup:NodeGroup": {
      const types = strListOf(inp, "instanceTypes");
      const itype = types[0] ?? "t3.medium";
      const p = t.ec2[itype];
      if (!p) return { kind: "unpriced", reason: `no EC2 price for ${itype} in the table` };
      const sc = field(inp, "scalingConfig");
      const min = numOf(sc, "minSize") ?? 0;
      const max = numOf(sc, "maxSize") ?? min;
      const vol = nodeVolume(r, idx);
      const vp = ebsPrice(t, vol.type);
      const perNode = p.usd * H + vol.gib * vp.usd;
      const notes = [`node volume from ${vol.from}`];
      if (types.length > 1) notes.push(`priced at the first listed type of ${types.join(", ")}`);
      if (strOf(inp, "capacityType") === "SPOT") notes.push(t.spotPolicy);
      return { kind: "priced", min: min * perNode, max: max * perNode, formula: `${min}..${max} x ${itype} (${p.usd}/h) + ${vol.gib} GiB ${vol.type ?? "gp3"} each`, prices: [p, vp], notes };
    }
    case "aws:ec2/instance:Instance": {
      const itype = strOf(inp, "instanceType") ?? "";
      const p = t.ec2[itype];
      if (!p) return { kind: "unpriced", reason: `no EC2 price for ${itype || "(no instanceType)"} in the table` };
      const root = field(inp, "rootBlockDevice");
      const gib = numOf(root, "volumeSize") ?? 8;
      const vp = ebsPrice(t, strOf(root, "volumeType"));
      const ip = boolOf(inp, "associatePublicIpAddress") === true ? o.publicIpv4Hour.usd * H : 0;
      const total = p.usd * H + gib * vp.usd + ip;
      return { kind: "priced", min: total, max: total, formula: `${itype} (${p.usd}/h) + ${gib} GiB root${ip ? " + public IPv4" : ""}`, prices: ip ? [p, vp, o.publicIpv4Hour] : [p, vp] };
    }
    case "aws:ec2/natGateway:NatGateway":
      if (strOf(inp, "connectivityType") === "private") return { kind: "priced", min: o.natGatewayHour.usd * H, max: o.natGatewayHour.usd * H, formula: `private NAT ${o.natGatewayHour.usd}/h`, prices: [o.natGatewayHour] };
      return { kind: "priced", min: o.natGatewayHour.usd * H, max: o.natGatewayHour.usd * H, formula: `${o.natGatewayHour.usd}/h (+ ${o.natGatewayGb.usd}/GB processed, usage)`, prices: [o.natGatewayHour] };
    case "aws:ec2/eip:Eip":
      return { kind: "priced", min: o.publicIpv4Hour.usd * H, max: o.publicIpv4Hour.usd * H, formula: `public IPv4 ${o.publicIpv4Hour.usd}/h`, prices: [o.publicIpv4Hour] };
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      if ((strOf(inp, "vpcEndpointType") ?? "Gateway") === "Gateway") return { kind: "free" };
      const azs = Math.max(1, strListOf(inp, "subnetIds").length);
      const m = azs * o.interfaceEndpointHour.usd * H;
      return { kind: "priced", min: m, max: m, formula: `${azs} AZ x ${o.interfaceEndpointHour.usd}/h (+ data, usage)`, prices: [o.interfaceEndpointHour] };
    }
    case "aws:wafv2/webAcl:WebAcl":
      return { kind: "priced", min: o.wafWebAclMonth.usd, max: o.wafWebAclMonth.usd, formula: `${o.wafWebAclMonth.usd}/web ACL-month (+ 0.60 USD per million requests)`, prices: [o.wafWebAclMonth] };
    case "aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation":
      return { kind: "priced", min: o.wafRuleMonth.usd, max: o.wafRuleMonth.usd, formula: `${o.wafRuleMonth.usd}/rule-month`, prices: [o.wafRuleMonth] };
    case "aws:kms/key:Key":
      return { kind: "priced", min: o.kmsKeyMonth.usd, max: o.kmsKeyMonth.usd, formula: `${o.kmsKeyMonth.usd}/key-month`, prices: [o.kmsKeyMonth] };
    case "aws:secretsmanager/secret:Secret":
      return { kind: "priced", min: o.secretMonth.usd, max: o.secretMonth.usd, formula: `${o.secretMonth.usd}/secret-month`, prices: [o.secretMonth] };
    case "aws:lb/loadBalancer:LoadBalancer": {
      const lbType = strOf(inp, "loadBalancerType") ?? "application";
      if (lbType !== "application") return { kind: "unpriced", reason: `no price for a ${lbType} load balancer in the table` };
      const subnets = Math.max(strListOf(inp, "subnets").length, listOf(inp, "subnetMappings").length);
      const ips = boolOf(inp, "internal") === true ? 0 : subnets;
      const m = o.albHour.usd * H + ips * o.publicIpv4Hour.usd * H;
      return { kind: "priced", min: m, max: m, formula: `ALB ${o.albHour.usd}/h${ips ? ` + ${ips} public IPv4` : ""} (+ ${o.albLcuHour.usd}/LCU-h, usage)`, prices: ips ? [o.albHour, o.publicIpv4Hour] : [o.albHour] };
    }
    case "aws:rds/instance:Instance": {
      const cls = strOf(inp, "instanceClass") ?? "";
      const p = t.rds[cls];
      if (!p) return { kind: "unpriced", reason: `no RDS price for ${cls || "(no instanceClass)"} in the table` };
      const multiAz = boolOf(inp, "multiAz") === true;
      const copies = multiAz ? 2 : 1;
      const source = idx.resolve(strOf(inp, "replicateSourceDb"), "aws:rds/instance:Instance");
      const storage = numOf(inp, "allocatedStorage") ?? (source ? numOf(source.inputs, "allocatedStorage") : undefined) ?? 0;
      const storageType = strOf(inp, "storageType") ?? (source ? strOf(source.inputs, "storageType") : undefined) ?? "gp2";
      const sp = storageType === "gp3" ? o.rdsGp3GbMonth : o.rdsGp2GbMonth;
      const m = copies * (p.usd * H + storage * sp.usd);
      const notes = storageType === "gp3" || storageType === "gp2" ? [] : [`${storageType} storage priced as gp2`];
      if (strOf(inp, "replicateSourceDb") !== undefined) notes.push(`read replica of ${source?.name ?? strOf(inp, "replicateSourceDb")}`);
      return { kind: "priced", min: m, max: m, formula: `${multiAz ? "Multi-AZ 2 x " : ""}${cls} (${p.usd}/h) + ${storage} GiB ${storageType}`, prices: [p, sp], notes };
    }
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const nodeType = strOf(inp, "nodeType") ?? "";
      const p = t.elasticache[nodeType];
      if (!p) return { kind: "unpriced", reason: `no ElastiCache price for ${nodeType || "(no nodeType)"} in the table` };
      const shards = numOf(inp, "numNodeGroups");
      const nodes = numOf(inp, "numCacheClusters") ?? (shards !== undefined ? shards * ((numOf(inp, "replicasPerNodeGroup") ?? 0) + 1) : 1);
      const m = nodes * p.usd * H;
      return { kind: "priced", min: m, max: m, formula: `${nodes} x ${nodeType} (${p.usd}/h)`, prices: [p] };
    }
    case "aws:mq/broker:Broker": {
      const itype = strOf(inp, "hostInstanceType") ?? "";
      const p = t.mq[itype];
      if (!p) return { kind: "unpriced", reason: `no Amazon MQ price for ${itype || "(no hostInstanceType)"} in the table` };
      const nodes = strOf(inp, "deploymentMode") === "CLUSTER_MULTI_AZ" ? 3 : strOf(inp, "deploymentMode") === "ACTIVE_STANDBY_MULTI_AZ" ? 2 : 1;
      const m = nodes * p.usd * H;
      return { kind: "priced", min: m, max: m, formula: `${nodes} x ${itype} (${p.usd}/h) (+ ${o.mqStorageGbMonth.usd}/GB-month storage used, usage)`, prices: [p] };
    }
    case "aws:ssm/parameter:Parameter": {
      const p = strOf(inp, "tier") === "Advanced" ? o.ssmAdvancedParameterMonth : o.ssmStandardParameterMonth;
      return { kind: "priced", min: p.usd, max: p.usd, formula: strOf(inp, "tier") === "Advanced" ? `advanced parameter ${p.usd}/month` : "standard parameter, no charge", prices: [p] };
    }
    case "aws:scheduler/schedule:Schedule":
      // EventBridge Scheduler: 14 million invocations a month free, then per million; a sleep
      // schedule fires about 22 times a month. https://aws.amazon.com/eventbridge/pricing/
      return { kind: "usage", rate: "1.00/million invocations after 14 million free per month" };
    case "aws:rds/proxy:Proxy":
      return { kind: "usage", rate: `${o.rdsProxyVcpuHour.usd}/vCPU-hour of the databases behind it (min 2 vCPU)` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const dr = regionOf(r, idx);
      const rate = dr ? DR_RATES[dr]?.s3StandardGbMonth : o.s3StandardGbMonth;
      if (!rate) return { kind: "unpriced", reason: `no S3 rate for ${dr ?? "?"} in tools/insights/prices-dr.ts` };
      return { kind: "usage", rate: `${rate.usd}/GB-month Standard${dr ? ` in ${dr}` : ""} + requests` };
    }
    case "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
      return drCopyRate(idx, "replicated (+ PUT requests in the destination)", "s3StandardGbMonth");
    case "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
      return drCopyRate(idx, "of snapshots and transaction logs copied", "rdsBackupGbMonth");
    case "aws:cloudwatch/logGroup:LogGroup":
      return { kind: "usage", rate: `${o.logsIngestGb.usd}/GB ingested + ${o.logsStoreGbMonth.usd}/GB-month stored` };
    case "aws:ec2/flowLog:FlowLog":
      return { kind: "usage", rate: `log ingestion at the vended-logs rate (at most ${o.logsIngestGb.usd}/GB)` };
    case "aws:backup/vault:Vault": {
      const dr = regionOf(r, idx);
      const rate = dr ? DR_RATES[dr]?.backupWarmGbMonth : o.backupWarmGbMonth;
      if (!rate) return { kind: "unpriced", reason: `no AWS Backup rate for ${dr ?? "?"} in tools/insights/prices-dr.ts` };
      return { kind: "usage", rate: `${rate.usd}/GB-month of backups kept${dr ? ` in ${dr} (copies)` : ""}` };
    }
    case "aws:backup/plan:Plan": {
      const copies = listOf(inp, "rules").some((x) => listOf(x, "copyActions").length > 0);
      const local = `${o.backupWarmGbMonth.usd}/GB-month of backups kept`;
      if (!copies) return { kind: "usage", rate: local };
      const dr = drCopyRate(idx, "of daily, weekly and monthly points copied", "backupWarmGbMonth");
      return dr.kind === "usage" ? { kind: "usage", rate: `${local} + ${dr.rate}` } : dr;
    }
  }
  if (FREE_TYPES.has(r.type)) return { kind: "free" };
  // Route 53 (failover DNS): records bill per query, health checks per month (0.50 USD for an AWS
  // endpoint, plus 1.00 USD each for HTTPS and the 10 s interval). https://aws.amazon.com/route53/pricing/
  if (r.type === "aws:route53/record:Record") return { kind: "usage", rate: "0.40 USD per million standard queries (Route 53)" };
  if (r.type === "aws:route53/healthCheck:HealthCheck") return { kind: "usage", rate: "0.50 USD/month per health check of an AWS endpoint, +1.00 each for HTTPS and a 10 s interval (Route 53)" };
  // The first copy of management events is free; data events and GuardDuty are billed per event
  // analysed. https://aws.amazon.com/cloudtrail/pricing/ https://aws.amazon.com/guardduty/pricing/
  if (r.type === "aws:cloudtrail/trail:Trail") return { kind: "usage", rate: "0.10 USD per 100,000 S3 data events (management events: first copy free)" };
  if (r.type === "aws:guardduty/detector:Detector") return { kind: "usage", rate: "per GB of EKS audit logs and per vCPU of runtime-monitored nodes analysed (GuardDuty pricing)" };
  if (r.type.startsWith("pulumi:providers:") || r.type.startsWith("random:")) return { kind: "free" };
  if (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") {
    // The PGDATA and WAL volumes each instance claims (EBS gp3, created by the CSI driver); its
    // compute is the node pool's, priced there.
    const spec = field(inp, "spec");
    const instances = numOf(spec, "instances") ?? 1;
    const gib = (key: string): number => Number((strOf(field(spec, key), "size") ?? "0Gi").replace(/Gi$/, "")) || 0;
    const perInstance = gib("storage") + gib("walStorage");
    const vp = o.ebsGp3GbMonth;
    const m = instances * perInstance * vp.usd;
    return { kind: "priced", min: m, max: m, formula: `${instances} instance(s) x ${perInstance} GiB gp3 (PGDATA + WAL)`, prices: [vp], notes: ["compute on its node pool, priced there"] };
  }
  if (r.type.startsWith("kubernetes:")) {
    if (r.type === "kubernetes:core/v1:Service" && strOf(field(r.inputs, "spec"), "type") === "LoadBalancer") {
      return { kind: "unpriced", reason: "a LoadBalancer Service makes AWS create a load balancer outside this program" };
    }
    return { kind: "free" };
  }
  return undefined;
}

export function estimateCost(idx: ResourceIndex, table: PriceTable): CostReport {
  const lines: CostLine[] = [];
  const usageBased: UsageLine[] = [];
  const notPriced: UnpricedLine[] = [];
  const free: Record<string, number> = {};
  for (const r of idx.resources.filter((x) => x.custom)) {
    const component = idx.componentLabel(r);
    const rl = rule(r, idx, table);
    if (!rl) {
      notPriced.push({ name: r.name, type: r.type, component, reason: "no price entry for this type" });
      continue;
    }
    switch (rl.kind) {
      case "priced":
        lines.push({ name: r.name, type: r.type, component, monthlyMin: rl.min, monthlyMax: rl.max, formula: rl.formula, basis: weakest(rl.prices), notes: rl.notes ?? [] });
        if (r.type === "aws:ec2/natGateway:NatGateway") usageBased.push({ name: r.name, type: r.type, component, rate: `${table.other.natGatewayGb.usd}/GB processed` });
        if (r.type === "aws:lb/loadBalancer:LoadBalancer") usageBased.push({ name: r.name, type: r.type, component, rate: `${table.other.albLcuHour.usd}/LCU-hour` });
        break;
      case "usage":
        usageBased.push({ name: r.name, type: r.type, component, rate: rl.rate });
        break;
      case "free":
        free[r.type] = (free[r.type] ?? 0) + 1;
        break;
      case "unpriced":
        notPriced.push({ name: r.name, type: r.type, component, reason: rl.reason });
        break;
    }
  }
  const comps = new Map<string, { min: number; max: number; n: number }>();
  for (const l of lines) {
    const c = comps.get(l.component) ?? { min: 0, max: 0, n: 0 };
    comps.set(l.component, { min: c.min + l.monthlyMin, max: c.max + l.monthlyMax, n: c.n + 1 });
  }
  return {
    region: table.region,
    currency: table.currency,
    retrievedOn: table.retrievedOn,
    hoursPerMonth: table.hoursPerMonth,
    spotPolicy: table.spotPolicy,
    sources: SOURCES,
    monthlyMin: lines.reduce((s, l) => s + l.monthlyMin, 0),
    monthlyMax: lines.reduce((s, l) => s + l.monthlyMax, 0),
    byComponent: [...comps.entries()].map(([component, c]) => ({ component, monthlyMin: c.min, monthlyMax: c.max, resources: c.n })).sort((a, b) => b.monthlyMax - a.monthlyMax || a.component.localeCompare(b.component)),
    lines: lines.sort((a, b) => b.monthlyMax - a.monthlyMax || a.name.localeCompare(b.name)),
    usageBased: usageBased.sort((a, b) => a.name.localeCompare(b.name)),
    free: Object.fromEntries(Object.entries(free).sort(([a], [b]) => a.localeCompare(b))),
    notPriced: notPriced.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name)),
  };
}
