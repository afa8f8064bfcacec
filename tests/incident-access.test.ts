import * as fs from "fs";
import * as path from "path";
import { parseCidr } from "../lib/cidr";
import { toRawStackConfig } from "../stacks/config";
import { PLACEHOLDER_ADMIN_PRINCIPAL } from "../stacks/schema/cluster";
import { renderProblem } from "../stacks/schema/problems";
import { validateStackConfig } from "../stacks/schema/stack";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

/**
 * Incident access: a person can reach the private API endpoint (SSM port forward through the
 * bastion), a node's shell (SSM), and the internal ALB's health endpoint; the security groups
 * admit exactly those paths and nothing wider; and no stack deploys without a person to let in.
 */
const ENVS = ["dev", "prod"] as const;
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const env of ENVS) runs[env] = await stackRun(env);
});

/** The recorded security group rules, as AWS evaluates them: a flow needs the source's egress and the destination's ingress. */
interface SgRule {
  readonly group: string;
  readonly direction: "in" | "out";
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly peerGroup?: string;
  readonly cidr?: string;
}
function rulesOf(run: RunResult): SgRule[] {
  const map = (r: RecordedResource, direction: "in" | "out"): SgRule => ({
    group: String(r.inputs.securityGroupId),
    direction,
    protocol: String(r.inputs.ipProtocol),
    from: r.inputs.fromPort as number | undefined,
    to: r.inputs.toPort as number | undefined,
    peerGroup: r.inputs.referencedSecurityGroupId as string | undefined,
    cidr: r.inputs.cidrIpv4 as string | undefined,
  });
  return [...ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => map(r, "in")), ...ofType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => map(r, "out"))];
}
const ipOf = (text: string): number => text.split(".").reduce((a, o) => a * 256 + Number(o), 0);
function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`bad CIDR ${cidr}`);
  const size = 2 ** (32 - c.prefix);
  return ipOf(ip) >= c.network && ipOf(ip) < c.network + size;
}
/** An endpoint: the groups of its network interface (none for an address outside the VPC) and its address. */
interface Endpoint {
  readonly groups: readonly string[];
  readonly ip: string;
}
function ruleAdmits(r: SgRule, port: number, peer: Endpoint): boolean {
  const portOk = r.protocol === "-1" || (r.protocol === "tcp" && (r.from ?? 0) <= port && port <= (r.to ?? 65535));
  const peerOk = r.peerGroup !== undefined ? peer.groups.includes(r.peerGroup) : r.cidr !== undefined && inCidr(peer.ip, r.cidr);
  return portOk && peerOk;
}
function flowAllowed(rules: readonly SgRule[], src: Endpoint, dst: Endpoint, port: number): boolean {
  // Outside the VPC (an AWS public endpoint) there is no group to admit it: only the egress counts.
  const egress = rules.some((r) => r.direction === "out" && src.groups.includes(r.group) && ruleAdmits(r, port, dst));
  const ingress = dst.groups.length === 0 || rules.some((r) => r.direction === "in" && dst.groups.includes(r.group) && ruleAdmits(r, port, src));
  return egress && ingress;
}

const sgId = (run: RunResult, name: string): string => String(named(run, name).state.id ?? `${name}-id`);
const SSM_ENDPOINT: Endpoint = { groups: [], ip: "52.95.194.10" }; // ssm/ssmmessages/ec2messages.ap-northeast-2: public addresses, reached through the NAT

describe.each(ENVS)("incident paths in %s", (env) => {
  const run = (): RunResult => runs[env];
  const vpcIp = (n: number): string => (env === "dev" ? `10.10.${n}.20` : `10.20.${n}.20`);
  const bastion = (): Endpoint => ({ groups: [sgId(run(), "bastion-sg")], ip: vpcIp(1) });
  const clusterSg = (): string => String(named(run(), "cluster-api-from-bastion").inputs.securityGroupId);
  const apiEndpoint = (): Endpoint => ({ groups: [clusterSg()], ip: vpcIp(2) });
  const node = (): Endpoint => ({ groups: [clusterSg(), sgId(run(), "security-groups-application")], ip: vpcIp(3) });
  const alb = (): Endpoint => ({ groups: [sgId(run(), "security-groups-frontend")], ip: vpcIp(4) });
  const database = (): Endpoint => ({ groups: [sgId(run(), "security-groups-database")], ip: vpcIp(5) });
  const internal = env === "dev";
  const listener = env === "dev" ? 80 : 443;

  it("the bastion reaches the private API endpoint on 443 (the SSM port forward's remote host)", () => {
    expect(flowAllowed(rulesOf(run()), bastion(), apiEndpoint(), 443)).toBe(true);
    expect(flowAllowed(rulesOf(run()), bastion(), SSM_ENDPOINT, 443)).toBe(true);
  });

  it("the bastion reaches the ALB's health endpoint on its listener: the internal ALB across the VPC, an internet-facing one on its public name", () => {
    if (internal) {
      expect(flowAllowed(rulesOf(run()), bastion(), alb(), listener)).toBe(true);
      expect(named(run(), "bastion-to-alb").inputs).toMatchObject({ referencedSecurityGroupId: sgId(run(), "security-groups-frontend"), fromPort: 80, toPort: 80 });
      expect(named(run(), "bastion-into-alb").inputs).toMatchObject({ securityGroupId: sgId(run(), "security-groups-frontend"), referencedSecurityGroupId: sgId(run(), "bastion-sg"), fromPort: 80, toPort: 80 });
    } else {
      expect(flowAllowed(rulesOf(run()), bastion(), { groups: [], ip: "3.38.0.10" }, 443)).toBe(true);
      expect(run().resources.filter((r) => r.name.startsWith("bastion-") && r.name.includes("alb"))).toEqual([]);
    }
  });

  it("SSM reaches the nodes: their role carries the SSM agent's policy and they dial out on 443; no inbound path is needed", () => {
    const nodeRole = named(run(), "cluster-node");
    const policies = ofType(run(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => (a.propertyDependencies.role ?? []).includes(nodeRole.urn)).map((a) => String(a.inputs.policyArn).split("/").pop());
    expect(policies).toContain("AmazonSSMManagedInstanceCore");
    expect(flowAllowed(rulesOf(run()), node(), SSM_ENDPOINT, 443)).toBe(true);
    // Every node group joins with that role.
    const groups = ofType(run(), "aws:eks/nodeGroup:NodeGroup");
    // general and data-processing: a group per zone; ai-inference: one (tests/zone-aware-capacity.test.ts).
    expect(groups.length).toBe(env === "prod" ? 7 : 5);
    for (const g of groups) expect(g.propertyDependencies.nodeRoleArn).toContain(nodeRole.urn);
  });

  it("admits nothing wider: no inbound to the bastion, its egress only HTTPS out and the listener, no SSH or kubelet to nodes, no database, no other ALB port", () => {
    const rules = rulesOf(run());
    const b = sgId(run(), "bastion-sg");
    expect(rules.filter((r) => r.group === b && r.direction === "in")).toEqual([]);
    expect(rules.filter((r) => r.group === b && r.direction === "out").map((r) => `${r.protocol}:${r.from}-${r.to}:${r.cidr ?? r.peerGroup}`).sort()).toEqual(
      [`tcp:443-443:0.0.0.0/0`, ...(internal ? [`tcp:${listener}-${listener}:${sgId(run(), "security-groups-frontend")}`] : [])].sort(),
    );
    for (const port of [22, 10250, 8080, 9000]) expect({ port, allowed: flowAllowed(rules, bastion(), node(), port) }).toEqual({ port, allowed: false });
    for (const port of [5432, 6379]) expect({ port, allowed: flowAllowed(rules, bastion(), database(), port) }).toEqual({ port, allowed: false });
    for (const port of [22, 8080, internal ? 443 : 80]) expect({ port, allowed: flowAllowed(rules, bastion(), alb(), port) }).toEqual({ port, allowed: false });
    // The frontend admits the bastion's group on the listener only; the cluster group on 443 only.
    expect(rules.filter((r) => r.direction === "in" && r.peerGroup === b).map((r) => `${r.group}:${r.from}`).sort()).toEqual([`${clusterSg()}:443`, ...(internal ? [`${sgId(run(), "security-groups-frontend")}:${listener}`] : [])].sort());
    // Nobody outside reaches the bastion or the nodes by an address: no rule admits the internet into them.
    for (const g of [b, sgId(run(), "security-groups-application")]) expect(rules.filter((r) => r.group === g && r.direction === "in" && r.cidr === "0.0.0.0/0")).toEqual([]);
  });
});

describe("admin principals", () => {
  const validate = (stack: string, admins: readonly string[] | undefined, deploying: boolean): string[] => {
    const file = loadStackFile(stack);
    const cluster = JSON.parse(file.config["entasis:cluster"]) as Record<string, unknown>;
    const config = { ...file.config, "entasis:cluster": JSON.stringify({ ...cluster, adminPrincipalArns: admins }) };
    const r = validateStackConfig({ ...toRawStackConfig(stack, config, { slackWebhookUrl: true }), deploying });
    return r.ok ? [] : r.problems.map(renderProblem).filter((m) => m.includes("adminPrincipalArns"));
  };
  const real = "arn:aws:iam::111122223333:role/platform-admin";

  it("prod refuses an empty list, in a preview too, naming the key", () => {
    expect(validate("prod", [], false)).toEqual([expect.stringMatching(/^entasis:cluster.adminPrincipalArns \[\] is empty: after the first deploy only the deploy role could reach the cluster.*docs\/deploy.md step 5/)]);
    expect(validate("dev", [], false)).toEqual([]);
  });

  it("both refuse the committed placeholder at `pulumi up` and accept it in previews; a real role passes", () => {
    for (const stack of ENVS) {
      expect(JSON.parse(loadStackFile(stack).config["entasis:cluster"]).adminPrincipalArns).toEqual([PLACEHOLDER_ADMIN_PRINCIPAL]);
      expect(validate(stack, [PLACEHOLDER_ADMIN_PRINCIPAL], false)).toEqual([]);
      expect(validate(stack, [PLACEHOLDER_ADMIN_PRINCIPAL], true)).toEqual([expect.stringMatching(/^entasis:cluster.adminPrincipalArns\[0\] ".*PLACEHOLDER-platform-admin" is the committed placeholder/)]);
      expect(validate(stack, [real], true)).toEqual([]);
    }
  });

  it.each(ENVS)("%s gives the listed principal cluster admin through an access entry", (env) => {
    const assoc = ofType(runs[env], "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.inputs.principalArn === PLACEHOLDER_ADMIN_PRINCIPAL);
    expect(assoc).toHaveLength(1);
    expect(String(assoc[0].inputs.policyArn)).toMatch(/AmazonEKSClusterAdminPolicy$/);
  });
});

describe("the runbook", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "deploy.md"), "utf8");
  it("writes the port forward and a kubeconfig that works against it (server on localhost, tls-server-name the endpoint host)", () => {
    expect(doc).toContain("AWS-StartPortForwardingSessionToRemoteHost");
    expect(doc).toMatch(/server: https:\/\/localhost:8443/);
    expect(doc).toMatch(/tls-server-name: <endpoint host>/);
    expect(doc).toContain("aws ssm start-session --target <node instance id>");
    expect(doc).toContain("adminPrincipalArns");
  });
});
