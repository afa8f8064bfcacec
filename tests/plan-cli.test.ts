import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, parseArgs } from "../tools/plan";
import { attemptBootstrap } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { assembleReport, bootstrapSummaryOf, otherStackOf } from "../tools/plan/collect";
import { MAX_WIDTH, table, wrapLine } from "../tools/plan/format";
import { SECTIONS, renderReport } from "../tools/plan/render";
import { PlanReport } from "../tools/plan/report";
import { FIRST_SCREEN_LINES } from "../tools/plan/renderSummary";
import { figuresTable } from "../tools/figures";
import { stackRun } from "./support/stackRuns";

const ROOT = path.resolve(__dirname, "..");
const reports: Record<string, PlanReport> = {};

// The report is built in-process from the recorded runs (as `npm run plan` builds it from fresh
// ones); only the last test starts the CLI itself, to prove what only a process can: pipes and the exit code.
beforeAll(async () => {
  const runs = { dev: await stackRun("dev"), prod: await stackRun("prod") };
  for (const [stack, other] of [["prod", "dev"], ["dev", "prod"]] as const) {
    const boot = await attemptBootstrap({ stack, preview: true });
    expect(boot.error).toBeUndefined();
    reports[stack] = assembleReport(runs[stack], {
      others: { [other]: otherStackOf(runs[other]) },
      bootstrap: bootstrapSummaryOf(`entasis/entasis-bootstrap/${stack}`, boot),
      diagramPath: `docs/architecture-${stack}.md`,
    });
  }
});

function linesOf(text: string): string[] {
  return text.split("\n");
}

describe("the plan report of prod", () => {
  it("counts cloud resources as README's generated figures do: custom resources, the providers left out", async () => {
    const r = reports.prod;
    const providers = Object.entries(r.countsByType).filter(([type]) => type.startsWith("pulumi:providers:"));
    expect(providers.map(([type, n]) => `${type} ${n}`)).toEqual(["pulumi:providers:aws 1", "pulumi:providers:kubernetes 1"]);
    const custom = Object.values(r.countsByType).reduce((a, b) => a + b, 0);
    expect(r.cloudResourceCount).toBe(custom - 2);
    const figures = figuresTable([await stackRun("prod")], await attemptBootstrap({ stack: "prod" }));
    expect(figures).toContain(`| prod stack | ${r.cloudResourceCount} cloud resources (${r.resourceCount} registered) |`);
  });

  it("opens with a summary that fits the first screen: stack and mode, resources, cost range, critical path, blockers, failure-domain verdicts", () => {
    const head = linesOf(renderReport(reports.prod)).slice(0, FIRST_SCREEN_LINES);
    const at = (re: RegExp): number => head.findIndex((l) => re.test(l));
    expect(head[0]).toBe("entasis-infra plan: stack prod, mode highly available (3 AZs, 3 NAT gateways; copies in ap-northeast-1)");
    const r = reports.prod;
    expect(r.cloudResourceCount).toBeGreaterThan(400);
    expect(head[at(/^Resources: /)]).toBe(`Resources: ${r.cloudResourceCount} cloud resources of ${Object.keys(r.countsByType).length} types (${r.resourceCount} registered with components and the stack).`);
    expect(head[at(/^Monthly cost: /)]).toMatch(/^Monthly cost: \$\d,\d{3}\.\d{2} \.\. \$11,\d{3}\.\d{2} \(USD, node pools at minimum \.\. maximum\); dev \$\d{3}\.\d{2} \.\. \$2,\d{3}\.\d{2}; dev\/prod 0\.1\d\d \.\. 0\.2\d\d$/);
    expect(head[at(/^Critical path of pulumi up: /)]).toMatch(/^Critical path of pulumi up: 30m\d\ds \(lower bound 30m\d\ds; \d+ timed steps\), the long ones: postgres-primary 18m00s > postgres-replica-reporting 12m00s$/);
    // Test secrets are set, so the Slack webhook is not among the blockers; the quotas and three prerequisites are.
    expect(head[at(/^Fix first: /)]).toBe("Fix first: 8 blocker(s): 2 quota(s) above AWS's default, 6 missing prerequisite(s). Commands: in the preflight below.");
    const blockers = head.slice(at(/^Fix first: /) + 1).filter((l) => l.startsWith("  - ")).slice(0, 7);
    expect(blockers.map((l) => l.split(":")[0].trim())).toEqual(["- quota L-1216C47A (Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances)", "- quota L-DB2E81BA (Running On-Demand G and VT instances)", "- deploy", "- deploy", "- cluster", "- edge", "- workloads"]);
    expect(blockers[1]).toBe("  - quota L-DB2E81BA (Running On-Demand G and VT instances): needs 44 vCPUs, AWS default 0: request increase");
    expect(head[at(/^Zone lost: /)]).toBe("Zone lost: Verdict (must be highly available): no single-zone point of failure: losing any one of ap-northeast-2a, ap-northeast-2b, ap-northeast-2c leaves every serving path up");
    expect(head[at(/^Region lost: /)]).toMatch(/^Region lost: Verdict \(every data store must survive the region\): losing ap-northeast-2 leaves a copy of every data store in ap-northeast-1/);
    expect(head[at(/^Deploy path: /)]).toMatch(/^Deploy path: bootstrap stack entasis\/entasis-bootstrap\/prod, \d+ cloud resources, about \$\d+\.\d\d\/month plus build minutes\.$/);
    expect(at(/^Sections below: /)).toBeGreaterThan(at(/^Deploy path: /));
  });

  it("keeps the long sections behind --full, the others in order, and every line within the width", () => {
    const short = renderReport(reports.prod);
    const full = renderReport(reports.prod, { full: true });
    const titles = (text: string): string[] => linesOf(text).filter((l, i, all) => /^=+$/.test(all[i + 1] ?? "") && l.length === all[i + 1].length);
    expect(titles(short)).toEqual([
      "Preflight: before a real `pulumi up` of prod",
      "Deployment mode",
      "Estimated monthly cost (USD, ap-northeast-2)",
      "Pod requests of the collectors and the mesh (on the pools priced above)",
      "Estimated creation time (pulumi up)",
      "Failure domains (loss of one availability zone)",
      "What a destroy of prod leaves behind",
      "Capacity (orders/s, connections, cache)",
      "Deploy path (bootstrap stack)",
      "Diagram",
    ]);
    expect(titles(full)).toEqual([
      ...titles(short),
      "Resources by type",
      "Stack outputs",
      "Estimated monthly cost, by resource",
      "Estimated creation time: lower bound, durations and sources",
      "Preflight: quota sources and assumptions",
      "Resource tree",
    ]);
    expect(SECTIONS.filter((s) => s.full === true).map((s) => s.id)).toEqual(["counts-by-type", "outputs", "cost-detail", "timeline-detail", "preflight-sources", "resource-tree"]);
    expect(linesOf(short).length).toBeLessThan(linesOf(full).length / 3);
    for (const text of [short, full]) expect(linesOf(text).filter((l) => l.length > MAX_WIDTH)).toEqual([]);
    expect(linesOf(short).pop()).toBe("End of the plan of prod; --full shows every section, --json FILE writes everything.");
    expect(linesOf(renderReport(reports.prod, { full: true, jsonFile: "plan-prod.json" })).pop()).toBe("End of the plan of prod; everything is also in plan-prod.json.");
  });

  it("prints the prod network tier (3 AZs, 3 NAT gateways), the pools under the cluster, outputs, cost, critical path, failure domains and the preflight with --full", () => {
    const out = renderReport(reports.prod, { full: true });
    expect(out).toContain("[entasis:network:Network] network");
    for (const az of ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]) expect(out).toContain(`aws:ec2/natGateway:NatGateway  network-nat-${az}`);
    expect(out).toMatch(/^3\s+aws:ec2\/natGateway:NatGateway$/m);
    expect(out).toMatch(/^9\s+aws:ec2\/subnet:Subnet$/m);
    const tree = linesOf(out);
    const clusterLine = tree.findIndex((l) => l.includes("[entasis:cluster:Cluster] cluster"));
    expect(clusterLine).toBeGreaterThanOrEqual(0);
    for (const pool of ["general", "ai-inference", "data-processing"]) {
      const poolLine = tree.findIndex((l) => l.includes(`[entasis:cluster:NodePool] cluster-${pool}`));
      expect(poolLine).toBeGreaterThan(clusterLine);
      expect(tree.slice(poolLine + 1, poolLine + 5).join("\n")).toContain(`aws:eks/nodeGroup:NodeGroup  cluster-${pool}-ng`);
    }
    // general and data-processing: one group per zone; ai-inference: one.
    expect(out).toMatch(/^7\s+aws:eks\/nodeGroup:NodeGroup$/m);
    expect(out).toMatch(/^availabilityZones\s+\["ap-northeast-2a","ap-northeast-2b","ap-northeast-2c"\]$/m);
    expect(out).toMatch(/^kubeconfig\s+"\[secret\]"$/m);
    expect(out).toMatch(/^dev\/prod cost ratio: 0\.\d{3} at pool minimum, 0\.\d{3} at pool maximum/m);
    expect(out).toMatch(/^network-nat-ap-northeast-2b\s+NatGateway\s+network\s+\$43\.07\s+\$43\.07\s+observed/m);
    expect(out).toMatch(/^Critical path: \d+m\d{2}s\. Lower bound \(only AWS-imposed dependencies\): \d+m\d{2}s/m);
    expect(out).toContain("Verdict (must be highly available): no single-zone point of failure");
    expect(out).toContain("Mermaid diagram written to docs/architecture-prod.md");
    // No model served in prod: the GPU pool starts at 0, so only serving one needs the increase.
    expect(out).toMatch(/^Running On-Demand G and VT instances\s+L-DB2E81BA\s+region\s+vCPU\s+0\s+20\s+44\s+0\s+REQUEST INCREASE$/m);
    expect(out).toContain("Verdict: when one zone's nodes are lost or replaced, every such pod gets a node back in its own zone");
    expect(out).toMatch(/^timeseries-cluster\s+data-processing\s+3\s+EBS volume, zone rule, node each\s+ap-northeast-2a, ap-northeast-2b, ap-northeast-2c\s+ap-northeast-2a, ap-northeast-2b,$/m);
    expect(out).toContain("request: aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-DB2E81BA --desired-value 44 --region ap-northeast-2");
    expect(out).toContain("check:   aws service-quotas get-service-quota --service-code ec2 --quota-code L-1216C47A --region ap-northeast-2");
    expect(out).toMatch(/^ {2}- \[ok\] secret:slackWebhookUrl: /m);
    expect(out).toMatch(/^ {2}- \[MISSING\] edge:certificate: /m);
    expect(out).toMatch(/^ {2}- \[MISSING\] workloads:image-registry: /m);
    expect(out).toContain("If dev and prod share one AWS account (Region-wide and account-wide quotas add up):");
    expect(out).toMatch(/^EC2-VPC Elastic IPs\s+L-0263D0A3\s+4\s+4\s+4\s+5\s+ok$/m);
  });

  it("keeps everything in the JSON form: counts, outputs, insights, the comparison and the bootstrap stack", () => {
    const json = JSON.parse(JSON.stringify(reports.prod)) as PlanReport;
    expect(json.stack).toBe("prod");
    expect(json.countsByType["aws:ec2/natGateway:NatGateway"]).toBe(3);
    expect(json.outputs.availabilityZones).toEqual(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
    expect(json.insights.cost?.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.insights.timeline.criticalPathSeconds).toBeGreaterThanOrEqual(json.insights.timeline.lowerBoundSeconds);
    expect(json.insights.failureDomains.verdict.ok).toBe(true);
    expect(json.costComparison?.devToProd?.atMin).toBeLessThan(1);
    expect(json.insights.preflight?.quotas?.needs.find((n) => n.quotaCode === "L-1216C47A")).toMatchObject({ atMax: 146, verdict: "blocks first deploy" });
    expect(json.insights.preflight?.prerequisites.filter((p) => p.missing).map((p) => p.id)).toEqual(["deploy:runner-connection", "deploy:github-repository", "cluster:admin-principals", "edge:certificate", "workloads:image-registry", "failover:hosted-zone"]);
    expect(json.insights.preflight?.blockers).toBe(8);
    expect(json.bootstrap).toMatchObject({ stack: "entasis/entasis-bootstrap/prod" });
    expect(json.bootstrap?.cloudResources).toBeGreaterThan(40);
    expect(json.accountQuotas?.stacks).toEqual(["dev", "prod"]);
  });
});

describe("the plan report of dev", () => {
  it("shows the dev tier: 2 AZs, one NAT gateway, the single zones accepted for cost, spot quotas to raise", () => {
    const out = renderReport(reports.dev, { full: true });
    expect(linesOf(out)[0]).toBe("entasis-infra plan: stack dev, mode cost-saving, single zones accepted (2 AZs, 1 NAT gateway; no DR region)");
    expect(out).toMatch(/^1\s+aws:ec2\/natGateway:NatGateway$/m);
    expect(out).toMatch(/^6\s+aws:ec2\/subnet:Subnet$/m);
    expect(out).toMatch(/^All G and VT Spot Instance Requests\s+L-3819A6DF\s+region\s+vCPU\s+0\s+8\s+24\s+0\s+REQUEST INCREASE$/m);
    expect(out).not.toContain("secret:slackWebhookUrl");
    expect(out).toMatch(/^Zone lost: Verdict \(single zones accepted for cost\): \d+ single-zone point\(s\) of failure, accepted for cost in dev: .*network-nat-ap-northeast-2a \(ap-northeast-2a\)/m);
  });
});

describe("plan text layout", () => {
  it("wraps a long line at a space with a hanging indent, and a long table row under its last column", () => {
    const long = `  - ${"word ".repeat(60).trim()}`;
    const wrapped = wrapLine(long, 100);
    expect(wrapped.length).toBe(4);
    expect(wrapped.every((l) => l.length <= 100)).toBe(true);
    expect(wrapped.slice(1).every((l) => l.startsWith("      word"))).toBe(true);
    expect(wrapped.join(" ").replace(/\s+/g, " ").trim()).toBe(long.trim());
    const rows = table([["a", "x ".repeat(80).trim()]], ["k", "value"], 100);
    expect(rows).toEqual(["k  value", "-  " + "-".repeat(97), ...wrapLine(`a  ${"x ".repeat(80).trim()}`, 100, 3)]);
    expect(rows.length).toBe(4);
    expect(rows[3]).toMatch(/^ {3}x x/);
  });
});

describe("npm run plan (in-process)", () => {
  const plan = async (argv: string[], overrides?: Record<string, unknown>): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, (s) => out.push(s), (s) => err.push(s), overrides, { docsDir: fs.mkdtempSync(path.join(os.tmpdir(), "plan-docs-")) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("parses its options", () => {
    expect(parseArgs(["prod", "--full", "--json", "p.json"])).toEqual({ stack: "prod", jsonFile: "p.json", full: true, noCache: false });
    expect(parseArgs(["dev", "--no-cache"])).toEqual({ stack: "dev", full: false, noCache: true, jsonFile: undefined });
    expect(parseArgs(["dev", "--json"])).toMatch(/^--json needs a file name\n/);
    expect(parseArgs(["dev", "--wide"])).toMatch(/^unknown option --wide\n/);
  });

  it("prints every validation error of a bad config, without a stack trace, and exits 1", async () => {
    const dev = loadStackFile("dev");
    const network = JSON.parse(dev.config["entasis:network"]) as Record<string, unknown>;
    const cluster = JSON.parse(dev.config["entasis:cluster"]) as { nodePools?: Record<string, Record<string, unknown>> };
    // The general pool (2..4) comes from mode single; the override raises its minimum past its maximum.
    cluster.nodePools = { general: { minSize: 5 } };
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
    expect(r.err).toBe('no stack "staging" (no Pulumi.staging.yaml); stacks: dev, prod, prod-standby');
  });
});

describe("npm run plan (the command, end to end)", () => {
  it("delivers the whole --full report through a slow pipe, writes the JSON, reports progress on stderr, and sets the exit code", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-e2e-"));
    const json = path.join(dir, "dev.json");
    const tsNode = path.join(ROOT, "node_modules", ".bin", "ts-node");
    // The reader starts after 2 s: a plan that forced its exit lost everything past the pipe's 64 KiB buffer.
    const ok = spawnSync("bash", ["-c", `set -o pipefail; "${tsNode}" --transpile-only tools/plan.ts dev --full --json "${json}" | (sleep 2; cat)`], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const failed = spawnSync("bash", ["-c", `set -o pipefail; "${tsNode}" --transpile-only tools/plan.ts staging | (sleep 1; cat)`], { cwd: ROOT, encoding: "utf8" });
    expect(ok.status).toBe(0);
    const lines = linesOf(ok.stdout.trimEnd());
    expect(ok.stdout.length).toBeGreaterThan(64 * 1024);
    expect(lines[0]).toMatch(/^entasis-infra plan: stack dev, mode cost-saving/);
    expect(lines.slice(0, FIRST_SCREEN_LINES).some((l) => l.startsWith("Zone lost: "))).toBe(true);
    expect(lines.findIndex((l) => l === "Resource tree")).toBeGreaterThan(FIRST_SCREEN_LINES);
    expect(lines[lines.length - 1]).toBe(`End of the plan of dev; everything is also in ${json}.`);
    expect(ok.stderr).toMatch(/^plan \[\d+\.\ds\] running the bootstrap stack entasis\/entasis-bootstrap\/dev$/m);
    expect(ok.stderr).toMatch(/^plan \[\d+\.\ds\] analysing dev: /m);
    expect((JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport).countsByType["aws:ec2/natGateway:NatGateway"]).toBe(1);
    expect(failed.status).toBe(2);
    expect(failed.stderr.trim()).toBe('no stack "staging" (no Pulumi.staging.yaml); stacks: dev, prod, prod-standby');
  });
});
