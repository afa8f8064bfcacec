import { RULES } from "../policy/rules";
import { RunResult, attemptBootstrap } from "../tools/offline/harness";
import { BOOTSTRAP_NAMESPACE, PLACEHOLDER_GITHUB_REPOSITORY, validateBootstrapConfig } from "../stacks/schema/bootstrap";
import { renderProblem } from "../stacks/schema/problems";
import { evaluatePolicies, loadPolicyConfig } from "./support/policy";
import { jsonInput, named, ofType } from "./support/query";

type Run = RunResult;
const runs: Record<string, Run> = {};
beforeAll(async () => {
  for (const env of ["dev", "prod"]) {
    runs[env] = await attemptBootstrap({ stack: env });
    if (runs[env].error) throw runs[env].error;
  }
});

describe.each(["dev", "prod"])("the %s bootstrap stack", (env) => {
  it("builds a runner VPC with one NAT gateway, private subnets in two AZs and flow logs", () => {
    const vpc = ofType(runs[env], "aws:ec2/vpc:Vpc");
    expect(vpc.map((v) => v.inputs.cidrBlock)).toEqual([env === "dev" ? "10.250.0.0/22" : "10.251.0.0/22"]);
    expect(ofType(runs[env], "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(ofType(runs[env], "aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Record<string, string>).Tier === "private").map((s) => s.inputs.availabilityZone)).toEqual(["ap-northeast-2a", "ap-northeast-2c"]);
    expect(ofType(runs[env], "aws:ec2/flowLog:FlowLog")).toHaveLength(1);
  });

  it("runs two CodeBuild runners in those private subnets, each started only by its own workflow's queued jobs", () => {
    const projects = ofType(runs[env], "aws:codebuild/project:Project");
    expect(projects.map((p) => p.inputs.name).sort()).toEqual([`entasis-${env}-deploy`, `entasis-${env}-preview`]);
    for (const p of projects) {
      expect(p.inputs).toMatchObject({ buildTimeout: 240, source: { type: "GITHUB", location: `https://github.com/${PLACEHOLDER_GITHUB_REPOSITORY}.git`, auth: { type: "CODECONNECTIONS" } } });
      expect(p.inputs.environment).toMatchObject({ type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_MEDIUM", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0" });
      expect((p.inputs.vpcConfig as { subnets: string[] }).subnets).toHaveLength(2);
    }
    const hooks = ofType(runs[env], "aws:codebuild/webhook:Webhook").map((h) => ({ project: h.inputs.projectName, filters: (h.inputs.filterGroups as { filters: unknown[] }[])[0].filters }));
    expect(hooks).toEqual(
      expect.arrayContaining([
        { project: `entasis-${env}-deploy`, filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }, { type: "WORKFLOW_NAME", pattern: "^deploy$" }] },
        { project: `entasis-${env}-preview`, filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }, { type: "WORKFLOW_NAME", pattern: "^preview$" }] },
      ]),
    );
  });

  it("lets only its own CodeBuild project assume each runner role; the runners' roles hold no managed policy, the deploy role administers with denies", () => {
    for (const runner of ["deploy-runner", "preview-runner"] as const) {
      const trust = jsonInput(named(runs[env], `${runner}-role`), "assumeRolePolicy") as { Statement: { Principal: unknown; Condition: Record<string, Record<string, string>> }[] };
      expect(trust.Statement[0].Principal).toEqual({ Service: "codebuild.amazonaws.com" });
      expect(trust.Statement[0].Condition.ArnLike["aws:SourceArn"]).toMatch(new RegExp(`:codebuild:ap-northeast-2:\\d{12}:project/entasis-${env}-${runner.split("-")[0]}$`));
      const attachments = ofType(runs[env], "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith(runner)).map((a) => String(a.inputs.policyArn));
      expect(attachments).toEqual([]);
    }
    const deployRole = named(runs[env], "deploy-role-role");
    expect(deployRole.inputs).toMatchObject({ name: `entasis-${env}-deploy`, maxSessionDuration: 43200 });
    expect(ofType(runs[env], "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("deploy-role")).map((a) => a.inputs.policyArn)).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);
  });

  it("lets the runners out on HTTPS only and keeps their build logs KMS-encrypted for the configured days", () => {
    const egress = ofType(runs[env], "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.name.endsWith("-https-out"));
    expect(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).toEqual([
      [443, 443, "0.0.0.0/0"],
      [443, 443, "0.0.0.0/0"],
    ]);
    expect(ofType(runs[env], "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
    for (const name of [`/aws/codebuild/entasis-${env}-deploy`, `/aws/codebuild/entasis-${env}-preview`]) {
      const group = ofType(runs[env], "aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === name);
      expect(group?.inputs).toMatchObject({ retentionInDays: env === "dev" ? 30 : 365, kmsKeyId: expect.any(String) });
    }
  });

  it("exports what the platform reads, keyed by AZ", () => {
    expect(Object.keys(runs[env].outputs).sort()).toEqual(["deployProject", "deployRoleArn", "previewProject", "previewRoleArn", "runnerCidr", "runnerEgressIps", "runnerRouteTableIds", "runnerVpcId"]);
    expect(Object.keys(runs[env].outputs.runnerRouteTableIds as object)).toEqual(["ap-northeast-2a", "ap-northeast-2c"]);
  });

  it("passes the policy pack with the environment's enforcement levels", async () => {
    const report = await evaluatePolicies(RULES, runs[env].resources, { config: loadPolicyConfig(env) });
    expect(report.findings.filter((f) => f.level === "mandatory")).toEqual([]);
  });
});

describe("bootstrap configuration", () => {
  const base = {
    environment: "prod",
    tags: { owner: "o", costCenter: "c" },
    runner: { cidr: "10.251.0.0/22", availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"], githubRepository: "entasis/entasis-infra", connectionArn: "arn:aws:codeconnections:ap-northeast-2:123456789012:connection/00000000-0000-0000-0000-000000000000" },
  };
  const problems = (values: Record<string, unknown>, deploying = false): string[] => {
    const r = validateBootstrapConfig({ stack: "prod", region: "ap-northeast-2", values, deploying });
    return r.ok ? [] : r.problems.map(renderProblem);
  };

  it("accepts the committed placeholder connection and repository in a preview and refuses them at `pulumi up`, naming the keys", () => {
    const placeholders = { ...base, runner: { ...base.runner, githubRepository: PLACEHOLDER_GITHUB_REPOSITORY } };
    expect(problems(placeholders)).toEqual([]);
    expect(problems(placeholders, true)).toEqual([
      expect.stringMatching(new RegExp(`^${BOOTSTRAP_NAMESPACE}:runner.connectionArn ".+ is the committed placeholder; .*docs/deploy.md`)),
      expect.stringMatching(new RegExp(`^${BOOTSTRAP_NAMESPACE}:runner.githubRepository "${PLACEHOLDER_GITHUB_REPOSITORY}" is the committed placeholder; .*docs/deploy.md step 3`)),
    ]);
    expect(problems({ ...base, runner: { ...base.runner, connectionArn: "arn:aws:codeconnections:ap-northeast-2:123456789012:connection/1b2c3d4e-1111-2222-3333-444455556666" } }, true)).toEqual([]);
  });

  it("rejects a runner AZ of a neighbouring region that is otherwise well-formed (the region check alone)", () => {
    expect(problems({ ...base, runner: { ...base.runner, availabilityZones: ["ap-northeast-2a", "ap-northeast-1c"] } })).toEqual([
      expect.stringMatching(/^entasis-bootstrap:runner\.availabilityZones\[1\] "ap-northeast-1c" is not an AZ of ap-northeast-2; /),
    ]);
  });

  it("reports every problem at once: a CIDR that is not a /22, an AZ of another region, an unknown key, a timeout over CodeBuild's limit", () => {
    const found = problems({ ...base, extra: 1, runner: { ...base.runner, cidr: "10.251.0.0/24", availabilityZones: ["us-east-1a", "ap-northeast-2c"], buildTimeoutMinutes: 3000 } });
    expect(found).toEqual(
      expect.arrayContaining([
        `${BOOTSTRAP_NAMESPACE}:extra 1 is not a known setting; remove it from bootstrap/Pulumi.prod.yaml or fix its spelling (known here: environment, tags, runner)`,
        expect.stringMatching(/^entasis-bootstrap:runner.cidr "10.251.0.0\/24" must be a \/22/),
        expect.stringMatching(/^entasis-bootstrap:runner.buildTimeoutMinutes 3000 /),
      ]),
    );
    expect(found).toHaveLength(3);
    expect(problems({ ...base, runner: { ...base.runner, availabilityZones: ["us-east-1a", "ap-northeast-2c"] } })).toEqual(['entasis-bootstrap:runner.availabilityZones[0] "us-east-1a" is not an AZ of ap-northeast-2; use e.g. ap-northeast-2a']);
  });
});
