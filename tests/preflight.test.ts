import { imageHasRegistry } from "../lib/image";
import { splitTotal } from "../lib/zones";
import { zonalPools } from "../stacks/schema/zonalCapacity";
import { ValidatedStackConfig } from "../stacks/schema/stack";
import { StackRunResult } from "../tools/offline/harness";
import { INSTANCE_VCPUS, vcpuBucketOf } from "../tools/insights/instanceTypes";
import { ResourceIndex, field, numOf } from "../tools/insights/model";
import { PreflightReport, analysePreflight, configOfRun } from "../tools/insights/preflight";
import { PrerequisiteCheck, PreflightRun, evaluatePrerequisites } from "../tools/insights/prerequisites";
import { QuotaNeed, QuotaReport, combineQuotas } from "../tools/insights/quotas";
import { QUOTAS_AP_NORTHEAST_2 } from "../tools/insights/quotas-ap-northeast-2";
import { planRun, stackRun } from "./support/stackRuns";

const STACKS = ["dev", "prod"] as const;
const runs: Record<string, StackRunResult> = {};
const configs: Record<string, ValidatedStackConfig> = {};
const reports: Record<string, PreflightReport> = {};
let prodPlaceholders: StackRunResult;

const noFiles = (): boolean => false;
const preflightRun = (run: StackRunResult, fileExists: (p: string) => boolean = noFiles): PreflightRun => ({ stack: run.stack, index: new ResourceIndex(run.resources), secretsSet: run.secretsSet, fileExists });

function configOf(run: StackRunResult): ValidatedStackConfig {
  const c = configOfRun(run);
  if (!c) throw new Error(`the ${run.stack} run's config does not validate`);
  return c;
}

beforeAll(async () => {
  for (const stack of STACKS) {
    runs[stack] = await stackRun(stack);
    configs[stack] = configOf(runs[stack]);
    reports[stack] = analysePreflight(configs[stack], preflightRun(runs[stack]), QUOTAS_AP_NORTHEAST_2);
  }
  // As `npm run plan` runs it: no secrets set, placeholders instead.
  prodPlaceholders = await planRun("prod");
});

function need(stack: string, key: string): QuotaNeed {
  const n = reports[stack].quotas?.needs.find((x) => x.key === key);
  if (!n) throw new Error(`${stack} has no quota row ${key}`);
  return n;
}

/**
 * vCPUs per quota row computed from the validated config alone (pools and bastion), independently
 * of the recorded resources. Only the surge of a node group update reads the recorded node group's
 * updateConfig, which is the component's choice, not config.
 */
function expectedVcpus(stack: string): Record<string, { min: number; max: number; peak: number }> {
  const config = configs[stack];
  const out: Record<string, { min: number; max: number; peak: number }> = {};
  const add = (key: string, min: number, max: number, peak: number): void => {
    const cur = out[key] ?? { min: 0, max: 0, peak: 0 };
    out[key] = { min: cur.min + min, max: cur.max + max, peak: cur.peak + peak };
  };
  const zones = config.network.availabilityZones;
  const perZone = zonalPools(config);
  for (const [pool, p] of Object.entries(config.cluster.nodePools)) {
    const buckets = new Set(p.instanceTypes.map(vcpuBucketOf));
    expect(buckets.size).toBe(1);
    const bucket = [...buckets][0];
    const vcpus = Math.max(...p.instanceTypes.map((t) => INSTANCE_VCPUS[t].vcpus));
    const ng = runs[stack].resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.inputs.labels as { role?: string }).role === pool);
    const pct = numOf(field(ng?.inputs, "updateConfig"), "maxUnavailablePercentage") ?? 0;
    // A zonal pool is one group per zone (max split over them), each surging on its own update.
    const groupMaxes = perZone.includes(pool) ? Object.values(splitTotal(p.maxSize, zones)) : [p.maxSize];
    const groupAzs = perZone.includes(pool) ? 1 : zones.length;
    const surge = groupMaxes.reduce((sum, max) => sum + Math.max(2 * groupAzs, Math.ceil((pct * max) / 100)), 0);
    const market = p.capacityType === "SPOT" ? "spot" : "onDemand";
    add(`${market}${bucket === "g-vt" ? "GVt" : "Standard"}Vcpus`, p.minSize * vcpus, p.maxSize * vcpus, (p.maxSize + surge) * vcpus);
  }
  if (config.network.bastion.enabled) {
    const v = INSTANCE_VCPUS[config.network.bastion.instanceType].vcpus;
    add("onDemandStandardVcpus", v, v, v);
  }
  return out;
}

describe("preflight quotas", () => {
  it.each(STACKS)("%s: vCPUs per EC2 quota bucket (on-demand and spot) match an independent computation from the config, with the verdict and the request for the peak", (stack) => {
    const expected = expectedVcpus(stack);
    for (const key of ["onDemandStandardVcpus", "onDemandGVtVcpus", "spotStandardVcpus", "spotGVtVcpus"] as const) {
      const e = expected[key] ?? { min: 0, max: 0, peak: 0 };
      const n = need(stack, key);
      expect({ key, min: n.atMin, max: n.atMax, peak: n.peak }).toEqual({ key, ...e });
      const def = QUOTAS_AP_NORTHEAST_2.quotas[key].awsDefault;
      expect(n.awsDefault).toBe(def);
      expect(n.verdict).toBe(e.min > def ? "blocks first deploy" : e.peak > def ? "request increase" : "ok");
      expect(n.check).toBe(`aws service-quotas get-service-quota --service-code ec2 --quota-code ${n.quotaCode} --region ap-northeast-2`);
      expect(n.request).toBe(n.verdict === "ok" ? undefined : `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${n.quotaCode} --desired-value ${e.peak} --region ap-northeast-2`);
    }
    expect(reports[stack].quotas?.unknownInstanceTypes).toEqual([]);
  });

  it("literal sanity values, checked by hand against Pulumi.<stack>.yaml", () => {
    // prod on demand, standard: 10 x c5.2xlarge (8) + 8 x r5.2xlarge (8) + bastion t3.micro (2) = 146 at max;
    // at min 3 x 8 + 3 x 8 + 2 = 50; peak: each of the 3 zone groups of a pool surges 2 nodes: 16 x 8 + 14 x 8 + 2 = 242.
    expect([need("prod", "onDemandStandardVcpus").atMin, need("prod", "onDemandStandardVcpus").atMax, need("prod", "onDemandStandardVcpus").peak]).toEqual([50, 146, 242]);
    // prod GPU, on demand: 0..5 x g4dn.xlarge (4) = 0..20 (no model served: no idle GPU); the AWS default is 0,
    // so the first deploy passes and serving a model needs an increase.
    expect(need("prod", "onDemandGVtVcpus")).toMatchObject({ quotaCode: "L-DB2E81BA", atMin: 0, atMax: 20, peak: 44, awsDefault: 0, verdict: "request increase" });
    expect(need("prod", "spotGVtVcpus")).toMatchObject({ quotaCode: "L-3819A6DF", atMax: 0, verdict: "ok" });
    // dev GPU on spot: 0..2 x g4dn.xlarge = 0..8, so the first deploy passes but scaling out needs an increase.
    expect(need("dev", "spotGVtVcpus")).toMatchObject({ quotaCode: "L-3819A6DF", atMin: 0, atMax: 8, verdict: "request increase" });
    // dev general pool 2 x c5.xlarge (4) + bastion 2 = 10 > 5 at minimum.
    expect(need("dev", "onDemandStandardVcpus")).toMatchObject({ quotaCode: "L-1216C47A", atMin: 10, atMax: 18, verdict: "blocks first deploy" });
    expect(need("dev", "spotStandardVcpus")).toMatchObject({ quotaCode: "L-34B43A08", atMin: 4, atMax: 12 });
  });

  it.each(STACKS)("%s: network, cluster, database and load balancer counts follow the config", (stack) => {
    const c = configs[stack];
    const azs = c.network.availabilityZones.length;
    const nats = c.network.natStrategy === "one-per-az" ? azs : c.network.natStrategy === "single" ? 1 : 0;
    expect(need(stack, "elasticIps")).toMatchObject({ atMax: nats, quotaCode: "L-0263D0A3", verdict: nats > 5 ? "request increase" : "ok" });
    expect(need(stack, "natGatewaysPerAz")).toMatchObject({ atMax: Math.min(nats, 1), quotaCode: "L-FE5A380F" });
    expect(need(stack, "vpcs")).toMatchObject({ atMax: 1, quotaCode: "L-F678F1CE", awsDefault: 5, serviceCode: "vpc" });
    const perZone = zonalPools(c);
    expect(need(stack, "nodeGroupsPerCluster").atMax).toBe(Object.keys(c.cluster.nodePools).length + perZone.length * (azs - 1));
    const biggestMax = Math.max(...Object.entries(c.cluster.nodePools).flatMap(([n, p]) => (perZone.includes(n) ? Object.values(splitTotal(p.maxSize, c.network.availabilityZones)) : [p.maxSize])));
    expect(need(stack, "nodesPerNodeGroup").atMax).toBe(biggestMax);
    expect(need(stack, "rdsInstances").atMax).toBe(1 + Object.keys(c.data.postgres.replicas).length);
    expect(need(stack, "rdsProxies").atMax).toBe(c.data.postgres.proxy.enabled ? 1 : 0);
    expect(need(stack, "elasticacheNodes").atMax).toBe(c.data.redis.nodes);
    expect(need(stack, "applicationLoadBalancers").atMax).toBe(1);
    expect(need(stack, "networkLoadBalancers").atMax).toBe(c.edge.internalNlb.enabled ? 1 : 0);
    expect(need(stack, "iamRoles")).toMatchObject({ serviceCode: "iam", check: "aws service-quotas get-service-quota --service-code iam --quota-code L-FE177D64 --region us-east-1" });
  });

  it("adds up Region- and account-wide needs when dev and prod share one account, and leaves per-AZ/per-cluster ones out", () => {
    const quotaReports: Record<string, QuotaReport> = {};
    for (const stack of STACKS) {
      const q = reports[stack].quotas;
      if (q) quotaReports[stack] = q;
    }
    const shared = combineQuotas(quotaReports);
    expect(shared.stacks).toEqual(["dev", "prod"]);
    const row = (key: string): QuotaNeed | undefined => shared.needs.find((n) => n.key === key);
    for (const key of ["onDemandStandardVcpus", "vpcs", "elasticIps", "iamRoles"]) {
      expect(row(key)).toMatchObject({ atMin: need("dev", key).atMin + need("prod", key).atMin, atMax: need("dev", key).atMax + need("prod", key).atMax, peak: need("dev", key).peak + need("prod", key).peak });
    }
    expect(row("natGatewaysPerAz")).toBeUndefined();
    expect(row("nodeGroupsPerCluster")).toBeUndefined();
    const peak = need("dev", "onDemandStandardVcpus").peak + need("prod", "onDemandStandardVcpus").peak;
    expect(row("onDemandStandardVcpus")?.request).toBe(`aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value ${peak} --region ap-northeast-2`);
    // 1 + 3 NAT gateways' Elastic IPs still fit the default of 5.
    expect(row("elasticIps")).toMatchObject({ atMax: 4, verdict: "ok", request: undefined });
  });

  it("every default in the table names its quota code and an AWS source", () => {
    for (const [key, q] of Object.entries(QUOTAS_AP_NORTHEAST_2.quotas)) {
      expect({ key, code: q.quotaCode }).toEqual({ key, code: expect.stringMatching(/^L-[0-9A-F]{8}$/) });
      expect({ key, source: q.source }).toEqual({ key, source: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//) });
      expect(q.awsDefault).toBeGreaterThanOrEqual(0);
    }
    expect(QUOTAS_AP_NORTHEAST_2.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("puts instance families in their vCPU quota buckets", () => {
    const cases: Record<string, string> = { "c5.2xlarge": "standard", "r6i.xlarge": "standard", "t3.micro": "standard", "z1d.large": "standard", "g4dn.xlarge": "g-vt", "vt1.3xlarge": "g-vt", "p4d.24xlarge": "p", "inf2.xlarge": "inf", "trn1.2xlarge": "trn", "dl1.24xlarge": "dl", "x2idn.16xlarge": "x", "u-6tb1.metal": "high-memory" };
    expect(Object.fromEntries(Object.keys(cases).map((t) => [t, vcpuBucketOf(t)]))).toEqual(cases);
  });
});

describe("preflight prerequisites", () => {
  const ids = (stack: string): Record<string, boolean> => Object.fromEntries(reports[stack].prerequisites.map((p) => [p.id, p.missing]));

  it("prod with the secret set: the placeholder certificate and the registry-less image are missing, the Slack secret is not", () => {
    expect(ids("prod")).toEqual({ "secret:slackWebhookUrl": false, "edge:certificate": true, "workloads:image-registry": true, "deploy:runner-connection": true, "deploy:github-repository": true, "cluster:admin-principals": true, "failover:hosted-zone": true });
    expect(reports.prod.prerequisites.find((p) => p.id === "cluster:admin-principals")?.fix).toContain("pulumi config set --path 'entasis:cluster.adminPrincipalArns[0]'");
    const cert = reports.prod.prerequisites.find((p) => p.id === "edge:certificate");
    expect(cert?.fix).toContain("pulumi config set --path 'entasis:edge.certificateArn' <the certificate ARN> -s prod");
    const image = reports.prod.prerequisites.find((p) => p.id === "workloads:image-registry");
    expect(image?.fix).toContain("pulumi config set --path 'entasis:workloads.image' <account>.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0 -s prod");
    expect(reports.prod.prerequisites[0].missing).toBe(true);
  });

  it("prod planned without secrets (placeholders): the Slack secret is missing, with the command that sets it", () => {
    const report = analysePreflight(configOf(prodPlaceholders), preflightRun(prodPlaceholders), QUOTAS_AP_NORTHEAST_2);
    const secret = report.prerequisites.find((p) => p.id === "secret:slackWebhookUrl");
    expect(secret).toMatchObject({ missing: true, fix: "pulumi config set --secret entasis:slackWebhookUrl https://hooks.slack.com/services/T000/B000/XXXX -s prod" });
    expect(report.blockers).toBe(reports.prod.blockers + 1);
  });

  it("dev: no secret is required and no certificate is set, so only the image, the runners' GitHub connection and repository, and the admin principals apply", () => {
    expect(ids("dev")).toEqual({ "workloads:image-registry": true, "deploy:runner-connection": true, "deploy:github-repository": true, "cluster:admin-principals": true });
  });

  it("an image in a registry, a real certificate ARN and a present build context are not missing", () => {
    const config: ValidatedStackConfig = {
      ...configs.prod,
      edge: { ...configs.prod.edge, certificateArn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/1b2c3d4e-0000-4000-8000-123456789abc" },
      workloads: { ...configs.prod.workloads, image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0" },
      // The runner checks read the committed bootstrap stack file (placeholders): out of this case.
      deploy: {},
      cluster: { ...configs.prod.cluster, adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admin"] },
      // A real public hosted zone for the failover records.
      ...(configs.prod.failover ? { failover: { ...configs.prod.failover, dns: { ...configs.prod.failover.dns, hostedZoneId: "Z1D633PJN98FT9" } } } : {}),
    };
    expect(evaluatePrerequisites(config, preflightRun(runs.prod)).filter((p) => p.missing)).toEqual([]);
    const build: ValidatedStackConfig = { ...configs.dev, deploy: {}, cluster: { ...configs.dev.cluster, adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admin"] }, workloads: { ...configs.dev.workloads, image: undefined, build: { context: "app", dockerfile: "Dockerfile", tag: "1.0.0" } } };
    const notAdmins = (ps: { id: string }[]): { id: string }[] => ps.filter((p) => p.id !== "cluster:admin-principals");
    expect(notAdmins(evaluatePrerequisites(build, preflightRun(runs.dev, (p) => p === "app/Dockerfile")))).toEqual([expect.objectContaining({ id: "workloads:build-context", missing: false })]);
    expect(notAdmins(evaluatePrerequisites(build, preflightRun(runs.dev)))).toEqual([expect.objectContaining({ id: "workloads:build-context", missing: true })]);
  });

  it("takes further checks (the deploy runner's, later) without changing the preflight", () => {
    const extra: PrerequisiteCheck = { id: "runner:bootstrap", applies: () => true, missing: (c) => c.environment === "prod", fix: (c) => `deploy the bootstrap stack for ${c.stack}`, why: "the in-VPC runner" };
    const report = analysePreflight(configs.prod, preflightRun(runs.prod), QUOTAS_AP_NORTHEAST_2, [extra]);
    expect(report.prerequisites).toEqual([{ id: "runner:bootstrap", missing: true, why: "the in-VPC runner", fix: "deploy the bootstrap stack for prod" }]);
  });

  it("imageHasRegistry follows the reference implementation's registry-host rule", () => {
    const cases: Record<string, boolean> = {
      "trading-api:1.0.0": false,
      "library/nginx:1.27": false,
      "entasis/trading-api:1.0.0": false,
      "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0": true,
      "docker.io/library/nginx:1.27": true,
      "localhost/trading-api:1": true,
      "registry:5000/trading-api:1": true,
      "Registry/trading-api:1": true,
    };
    expect(Object.fromEntries(Object.keys(cases).map((i) => [i, imageHasRegistry(i)]))).toEqual(cases);
  });
});
