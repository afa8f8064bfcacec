import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../tools/plan";
import { loadStackFile } from "../tools/offline/stackFile";

// Diagrams go to a scratch directory: the checked-in ones are compared by insights-stacks.test.ts.
const docsDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-docs-"));

async function plan(argv: string[], overrides?: Record<string, unknown>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s), overrides, { docsDir });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run plan", () => {
  it("prints the prod network tier (3 AZs, 3 NAT gateways), counts, outputs, cost with the dev/prod ratio, critical path and failure domains, writes the diagram, and the same as JSON", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "prod.json");
    const r = await plan(["prod", "--json", file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("[entasis:network:Network] network");
    for (const az of ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]) expect(r.out).toContain(`aws:ec2/natGateway:NatGateway  network-nat-${az}`);
    expect(r.out).toMatch(/^3\s+aws:ec2\/natGateway:NatGateway$/m);
    expect(r.out).toMatch(/^9\s+aws:ec2\/subnet:Subnet$/m);
    // The cluster and its pools sit under the Cluster component.
    const tree = r.out.split("\n");
    const clusterLine = tree.findIndex((l) => l.includes("[entasis:cluster:Cluster] cluster"));
    expect(clusterLine).toBeGreaterThanOrEqual(0);
    for (const pool of ["general", "ai-inference", "data-processing"]) {
      const poolLine = tree.findIndex((l) => l.includes(`[entasis:cluster:NodePool] cluster-${pool}`));
      expect(poolLine).toBeGreaterThan(clusterLine);
      expect(tree.slice(poolLine + 1, poolLine + 5).join("\n")).toContain(`aws:eks/nodeGroup:NodeGroup  cluster-${pool}-ng`);
    }
    // general and data-processing: one group per zone; ai-inference: one.
    expect(r.out).toMatch(/^7\s+aws:eks\/nodeGroup:NodeGroup$/m);
    expect(r.out).toContain("note: secrets not in Pulumi.prod.yaml were filled with placeholders: entasis:slackWebhookUrl");
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as {
      stack: string;
      countsByType: Record<string, number>;
      outputs: Record<string, unknown>;
      insights: {
        cost: { monthlyMin: number; retrievedOn: string };
        timeline: { criticalPathSeconds: number; lowerBoundSeconds: number };
        failureDomains: { verdict: { ok: boolean } };
        preflight: { blockers: number; quotas: { needs: { quotaCode: string; atMax: number; verdict: string }[] }; prerequisites: { id: string; missing: boolean }[] };
      };
      costComparison: { devToProd: { atMin: number } };
    };
    expect(json.stack).toBe("prod");
    expect(json.countsByType["aws:ec2/natGateway:NatGateway"]).toBe(3);
    expect(json.outputs.availabilityZones).toEqual(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
    expect(r.out).toContain("Estimated monthly cost (USD, ap-northeast-2)");
    expect(r.out).toMatch(/^dev\/prod cost ratio: 0\.\d{3} at pool minimum, 0\.\d{3} at pool maximum/m);
    expect(r.out).toMatch(/^network-nat-ap-northeast-2b\s+NatGateway\s+network\s+\$43\.07\s+\$43\.07\s+observed/m);
    expect(r.out).toContain("Estimated creation time (pulumi up)");
    expect(r.out).toMatch(/^Critical path: \d+m\d{2}s\. Lower bound \(only AWS-imposed dependencies\): \d+m\d{2}s/m);
    expect(r.out).toContain("Verdict (must be highly available): no single-zone point of failure");
    expect(r.out).toContain(`Mermaid diagram written to ${path.relative(path.resolve(__dirname, ".."), path.join(docsDir, "architecture-prod.md"))}`);
    expect(fs.readFileSync(path.join(docsDir, "architecture-prod.md"), "utf8")).toContain("network_nat_ap_northeast_2c -->|egress| network_igw");
    expect(json.insights.cost.monthlyMin).toBeGreaterThan(0);
    expect(json.insights.cost.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.insights.timeline.criticalPathSeconds).toBeGreaterThanOrEqual(json.insights.timeline.lowerBoundSeconds);
    expect(json.insights.failureDomains.verdict.ok).toBe(true);
    expect(json.costComparison.devToProd.atMin).toBeLessThan(1);
    // Preflight: quotas beside AWS's defaults, then the missing prerequisites, each with its command.
    expect(r.out).toContain("Preflight: before a real `pulumi up` of prod");
    // No model served in prod: the GPU pool starts at 0, so only serving one needs the increase.
    expect(r.out).toMatch(/^Running On-Demand G and VT instances\s+L-DB2E81BA\s+region\s+vCPU\s+0\s+20\s+44\s+0\s+REQUEST INCREASE$/m);
    expect(r.out).toContain("Verdict: when one zone's nodes are lost or replaced, every such pod gets a node back in its own zone");
    expect(r.out).toMatch(/^timeseries-cluster\s+data-processing\s+3\s+EBS volume, zone rule, node each\s+ap-northeast-2a, ap-northeast-2b, ap-northeast-2c\s+ap-northeast-2a, ap-northeast-2b, ap-northeast-2c\s+ok$/m);
    expect(r.out).toContain("request: aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-DB2E81BA --desired-value 44 --region ap-northeast-2");
    expect(r.out).toContain("check:   aws service-quotas get-service-quota --service-code ec2 --quota-code L-1216C47A --region ap-northeast-2");
    expect(r.out).toMatch(/^ {2}- \[MISSING\] secret:slackWebhookUrl: /m);
    expect(r.out).toContain("fix: pulumi config set --secret entasis:slackWebhookUrl https://hooks.slack.com/services/T000/B000/XXXX -s prod");
    expect(r.out).toMatch(/^ {2}- \[MISSING\] edge:certificate: /m);
    expect(r.out).toMatch(/^ {2}- \[MISSING\] workloads:image-registry: /m);
    expect(json.insights.preflight.quotas.needs.find((n) => n.quotaCode === "L-1216C47A")).toMatchObject({ atMax: 146, verdict: "blocks first deploy" });
    expect(json.insights.preflight.prerequisites.filter((p) => p.missing).map((p) => p.id)).toEqual(["secret:slackWebhookUrl", "deploy:runner-connection", "edge:certificate", "workloads:image-registry"]);
    expect(json.insights.preflight.blockers).toBe(6);
    expect(r.out).toContain("If dev and prod share one AWS account (Region-wide and account-wide quotas add up):");
    expect(r.out).toMatch(/^EC2-VPC Elastic IPs\s+L-0263D0A3\s+4\s+4\s+4\s+5\s+ok$/m);
  });

  it("prints the dev network tier with 2 AZs and a single NAT gateway", async () => {
    const r = await plan(["dev"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1\s+aws:ec2\/natGateway:NatGateway$/m);
    expect(r.out).toMatch(/^6\s+aws:ec2\/subnet:Subnet$/m);
    expect(r.out).toMatch(/^All G and VT Spot Instance Requests\s+L-3819A6DF\s+region\s+vCPU\s+0\s+8\s+24\s+0\s+REQUEST INCREASE$/m);
    expect(r.out).not.toContain("secret:slackWebhookUrl");
    expect(r.out).toMatch(/^Verdict \(single zones accepted for cost\): \d+ single-zone point\(s\) of failure, accepted for cost in dev: .*network-nat-ap-northeast-2a \(ap-northeast-2a\)/m);
  });

  it("prints every validation error of a bad config, without a stack trace, and exits 1", async () => {
    const dev = loadStackFile("dev");
    const network = JSON.parse(dev.config["entasis:network"]) as Record<string, unknown>;
    const cluster = JSON.parse(dev.config["entasis:cluster"]) as { nodePools: Record<string, Record<string, unknown>> };
    cluster.nodePools.general.minSize = 5;
    const r = await plan(["dev"], {
      "entasis:network": { ...network, cidr: "10.0.0.0/33", subnets: { public: { "ap-northeast-2a": "10.10.0.0/24" } } },
      "entasis:cluster": cluster,
    });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("Pulumi.dev.yaml is not valid (3 problems); nothing was planned:");
    expect(r.err).toContain('entasis:network.cidr "10.0.0.0/33" is not a valid IPv4 CIDR');
    expect(r.err).toContain("entasis:cluster.nodePools.general.minSize 5 is greater than maxSize 4");
    expect(r.err).toContain("entasis:cluster.nodePools.general.desiredSize 2 is outside minSize..maxSize (5..4)");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("refuses an unknown stack with the list of stacks (exit 2)", async () => {
    const r = await plan(["staging"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('no stack "staging" (no Pulumi.staging.yaml); stacks: dev, prod');
  });
});
