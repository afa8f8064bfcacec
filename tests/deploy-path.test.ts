import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PREVIEW_API_GROUPS, PREVIEW_CORE_RESOURCES, PREVIEW_GROUP } from "../components/deploy/previewAccess";
import { insightsOf } from "../tools/insights";
import { RecordedResource, RunResult, attemptBootstrap, attemptStack } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { TEST_SECRETS, named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

/**
 * The deploy path: every workflow job that runs `pulumi preview` or `pulumi up` runs on the
 * in-VPC runner of its environment's bootstrap stack, and that stack's platform admits exactly
 * that runner to the private Kubernetes API, on the graph, before the first Kubernetes call.
 */
const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { "runs-on": string | string[]; "timeout-minutes"?: number; needs?: string | string[]; environment?: string; concurrency?: { group: string; "cancel-in-progress": boolean }; strategy?: { matrix: Record<string, unknown> }; steps: Step[] };
type Workflow = { env?: Record<string, string>; jobs: Record<string, Job> };
const workflow = (f: string): Workflow => yaml.load(fs.readFileSync(path.join(WORKFLOWS, f), "utf8")) as Workflow;

const runs: Record<string, RunResult> = {};
const boots: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const env of ["dev", "prod"]) {
    runs[env] = await stackRun(env);
    boots[env] = await attemptBootstrap({ stack: env });
    if (boots[env].error) throw boots[env].error;
  }
  boots["prod-dr"] = await attemptBootstrap({ stack: "prod-dr" });
  if (boots["prod-dr"].error) throw boots["prod-dr"].error;
});

/** The bootstrap stack whose runners run a stack's jobs: its own, and prod-dr for prod's warm standby. */
const RUNNER_STACK: Readonly<Record<string, string>> = { dev: "dev", prod: "prod", "prod-standby": "prod-dr", "prod-dr": "prod-dr" };

/** Every (job, environment, command) that runs Pulumi, matrix expanded. */
function pulumiJobs(): { file: string; job: string; env: string; project: string; command: string; runsOn: string; timeout?: number }[] {
  const out: ReturnType<typeof pulumiJobs> = [];
  for (const file of ["deploy.yml", "preview.yml"]) {
    const wf = workflow(file);
    for (const [name, job] of Object.entries(wf.jobs)) {
      // The step that runs a command (a job may install the CLI first with a bare pulumi/actions step).
      const step = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") === true && s.with !== undefined);
      if (!step?.with) continue;
      const matrix = job.strategy?.matrix ?? {};
      const stacks = (matrix.stack as string[] | undefined) ?? [undefined];
      const projects = (matrix.project as string[] | undefined) ?? [undefined];
      for (const stack of stacks) {
        for (const project of projects) {
          const expand = (t: string): string => t.replace("${{ matrix.stack }}", stack ?? "").replace("${{ matrix.project }}", project ?? "").replace("${{ env.PULUMI_ORG }}", wf.env?.PULUMI_ORG ?? "");
          const fq = expand(String(step.with["stack-name"]));
          const [, proj, env] = fq.split("/");
          const runsOn = Array.isArray(job["runs-on"]) ? job["runs-on"][0] : job["runs-on"];
          out.push({ file, job: name, env, project: proj, command: String(step.with.command), runsOn: expand(runsOn), timeout: job["timeout-minutes"] });
        }
      }
    }
  }
  return out;
}

const outputsOf = (env: string): Record<string, unknown> => boots[env].outputs;

describe("workflow jobs that run Pulumi", () => {
  it("cover up for dev, prod and prod's standby and preview of the platform and the bootstrap of each", () => {
    const jobs = pulumiJobs().map((j) => `${j.command} ${j.project}/${j.env}`).sort();
    expect(jobs).toEqual([
      "destroy entasis-infra/dev",
      "preview entasis-bootstrap/dev",
      "preview entasis-bootstrap/prod",
      "preview entasis-bootstrap/prod-dr",
      "preview entasis-infra/dev",
      "preview entasis-infra/prod",
      "preview entasis-infra/prod-standby",
      "up entasis-infra/dev",
      "up entasis-infra/prod",
      "up entasis-infra/prod-standby",
    ]);
  });

  it.each(["dev", "prod", "prod-standby", "prod-dr"])("of %s run on its bootstrap's CodeBuild runner (the standby's in its own region): deploy for up and destroy, preview for preview", (stack) => {
    const env = RUNNER_STACK[stack];
    const jobs = pulumiJobs().filter((j) => j.env === stack);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const project = String(outputsOf(env)[job.command === "preview" ? "previewProject" : "deployProject"]);
      expect({ job: job.job, runsOn: job.runsOn }).toEqual({ job: job.job, runsOn: `codebuild-${project}-\${{ github.run_id }}-\${{ github.run_attempt }}` });
      // That project exists in the bootstrap stack, in the runner VPC's private subnets.
      const cb = ofType(boots[env], "aws:codebuild/project:Project").find((p) => p.inputs.name === project);
      expect(cb).toBeDefined();
      const vpc = cb?.inputs.vpcConfig as { vpcId: string; subnets: string[] };
      expect(vpc.vpcId).toBe(outputsOf(env).runnerVpcId);
      const privateSubnetIds = ofType(boots[env], "aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Record<string, string>).Tier === "private").map((s) => s.state.id ?? `${s.name}-id`);
      expect(vpc.subnets.length).toBeGreaterThanOrEqual(2);
      for (const s of vpc.subnets) expect(privateSubnetIds).toContain(s);
    }
  });

  it("run prod's standby alone when ap-northeast-2 is down (dispatch input failover): dev and prod skipped, the standby's job admitted without them", () => {
    const wf = workflow("deploy.yml") as Workflow & { on: { workflow_dispatch: { inputs: Record<string, { type: string }> } }; jobs: Record<string, Job & { if?: string }> };
    expect(wf.on.workflow_dispatch.inputs.failover.type).toBe("boolean");
    expect(wf.jobs.dev.if).toContain("!inputs.failover");
    expect(wf.jobs.prod.needs).toBe("dev");
    const standby = wf.jobs["prod-standby"];
    expect(standby.needs).toEqual(["test", "prod"]);
    expect(standby.if).toBe("${{ !cancelled() && needs.test.result == 'success' && (needs.prod.result == 'success' || (inputs.failover && needs.prod.result == 'skipped')) }}");
    expect(standby.environment).toBe("production-dr");
    // The standby's stack reads the DR-region bootstrap, whose runner this job runs on.
    expect(JSON.parse(loadStackFile("prod-standby").config["entasis:deploy"])).toEqual({ bootstrapStack: `${wf.env?.PULUMI_ORG}/entasis-bootstrap/prod-dr` });
  });

  it.each(["dev", "prod"])("name the bootstrap stack that the %s stack config reads", (env) => {
    const org = workflow("deploy.yml").env?.PULUMI_ORG;
    const deploy = JSON.parse(loadStackFile(env).config["entasis:deploy"]) as { bootstrapStack: string };
    expect(deploy.bootstrapStack).toBe(`${org}/entasis-bootstrap/${env}`);
  });
});

describe.each(["dev", "prod"])("the %s platform admits its runners to the private API endpoint", (env) => {
  const cidr = (): string => String(outputsOf(env).runnerCidr);

  it("keeps the endpoint private (prod) and admits the runner VPC's CIDR on 443 in the cluster security group", () => {
    const eks = ofType(runs[env], "aws:eks/cluster:Cluster")[0];
    if (env === "prod") expect((eks.inputs.vpcConfig as { endpointPublicAccess: boolean }).endpointPublicAccess).toBe(false);
    const rule = named(runs[env], "cluster-api-from-runner");
    expect(rule.inputs).toMatchObject({ cidrIpv4: cidr(), ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    expect(rule.propertyDependencies.securityGroupId).toContain(eks.urn);
  });

  it("peers with the runner VPC and routes both ways: platform private subnets to the runner, runner to the platform", () => {
    const peering = named(runs[env], "runner-peering-peering");
    expect(peering.inputs).toMatchObject({ peerVpcId: outputsOf(env).runnerVpcId, autoAccept: true });
    const routes = ofType(runs[env], "aws:ec2/route:Route").filter((r) => r.inputs.vpcPeeringConnectionId !== undefined && r.dependencies.includes(peering.urn));
    const platformCidr = (JSON.parse(loadStackFile(env).config["entasis:network"]) as { cidr: string }).cidr;
    const runnerTables = Object.values(outputsOf(env).runnerRouteTableIds as Record<string, string>);
    expect(routes.filter((r) => r.inputs.destinationCidrBlock === platformCidr).map((r) => r.inputs.routeTableId).sort()).toEqual([...runnerTables].sort());
    const privateTables = ofType(runs[env], "aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("-private-rt-"));
    expect(routes.filter((r) => r.inputs.destinationCidrBlock === cidr()).length).toBe(privateTables.length);
  });

  it("makes the Kubernetes provider wait for that path, so the first Kubernetes call of a first deploy can connect", () => {
    const provider = ofType(runs[env], "pulumi:providers:kubernetes")[0];
    const deps = new Set(provider.dependencies);
    for (const name of ["cluster-api-from-runner", "runner-peering-peering"]) expect(deps.has(named(runs[env], name).urn)).toBe(true);
    for (const r of ofType(runs[env], "aws:ec2/route:Route").filter((r) => r.name.startsWith("runner-peering-"))) expect(deps.has(r.urn)).toBe(true);
  });

  it("gives the deploy runner's role cluster admin as the cluster's creator, and the preview role only its group", () => {
    const eks = ofType(runs[env], "aws:eks/cluster:Cluster")[0];
    expect(eks.inputs.accessConfig).toMatchObject({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    const entry = named(runs[env], "preview-access-entry");
    expect(entry.inputs).toMatchObject({ principalArn: outputsOf(env).previewRoleArn, type: "STANDARD", kubernetesGroups: [PREVIEW_GROUP] });
    expect(ofType(runs[env], "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => a.inputs.principalArn)).not.toContain(outputsOf(env).previewRoleArn);
  });
});

describe.each(["dev", "prod"])("the %s preview identity", (env) => {
  const role = (): RecordedResource => named(runs[env], "preview-access-role");
  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

  it("may read and dry-run everything the program manages but never read Secrets", () => {
    const rules = role().inputs.rules as Rule[];
    const reads = rules.filter((r) => r.verbs.includes("get") || r.verbs.includes("list") || r.verbs.includes("watch"));
    for (const r of reads) {
      expect(r.resources).not.toContain("secrets");
      if (r.apiGroups.includes("")) expect(r.resources).not.toContain("*");
      expect(r.apiGroups).not.toContain("*");
    }
    // Every API group of every Kubernetes object of the stack can be dry-run.
    const objects = runs[env].resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh"));
    const groups = new Set(objects.map((r) => r.type.split(":")[1].split("/").slice(0, -1).join("/")).filter((g) => g !== "core"));
    expect(groups.size).toBeGreaterThan(3);
    for (const group of groups) expect({ group, listed: (PREVIEW_API_GROUPS as readonly string[]).includes(group) }).toEqual({ group, listed: true });
    const kinds = new Set(runs[env].resources.filter((r) => r.type.startsWith("kubernetes:core/v1:")).map((r) => r.type.split(":")[2]));
    const plural = (k: string): string => (k.endsWith("s") ? `${k.toLowerCase()}es` : `${k.toLowerCase()}s`);
    for (const k of kinds) if (k !== "Secret") expect((PREVIEW_CORE_RESOURCES as readonly string[]).includes(plural(k))).toBe(true);
  });

  it("is refused every request that is not a dry-run, by a policy built into the API server (no webhook to wait for)", () => {
    const policy = named(runs[env], "preview-access-dry-run-only", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
    const spec = policy.inputs.spec as { failurePolicy: string; matchConditions: { expression: string }[]; validations: { expression: string }[]; matchConstraints: { resourceRules: { operations: string[]; resources: string[] }[] } };
    expect(spec.failurePolicy).toBe("Fail");
    expect(spec.matchConditions[0].expression).toContain(`'${PREVIEW_GROUP}'`);
    expect(spec.validations.map((v) => v.expression)).toEqual(["request.dryRun == true"]);
    expect(spec.matchConstraints.resourceRules[0]).toMatchObject({ operations: ["*"], resources: ["*/*"] });
    const binding = named(runs[env], "preview-access-dry-run-only", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding");
    expect(binding.inputs.spec).toMatchObject({ policyName: (policy.inputs.metadata as { name: string }).name, validationActions: ["Deny"] });
    expect(binding.dependencies).toContain(policy.urn);
  });
});

describe("credentials and time", () => {
  it.each(["dev", "prod"])("the %s deploy outlasts the plan's critical path with margin: job timeout >= 3x, runner build timeout >= job timeout", (env) => {
    const critical = insightsOf(runs[env], "ap-northeast-2").timeline.criticalPathSeconds / 60;
    const up = pulumiJobs().find((j) => j.env === env && j.command === "up");
    expect(up?.timeout).toBeGreaterThanOrEqual(Math.ceil(critical * 3));
    const project = ofType(boots[env], "aws:codebuild/project:Project").find((p) => p.inputs.name === outputsOf(env).deployProject);
    expect(Number(project?.inputs.buildTimeout)).toBeGreaterThanOrEqual(up?.timeout ?? Infinity);
    // The job assumes the deploy role with its OIDC token (no keys), for a session that outlasts the
    // job and that the role admits (its maxSessionDuration), before Pulumi runs.
    const job = workflow("deploy.yml").jobs[env] as Job & { permissions?: Record<string, string> };
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const steps = job.steps;
    const creds = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds).toBeGreaterThanOrEqual(0);
    expect(creds).toBeLessThan(steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")));
    const session = Number(steps[creds].with?.["role-duration-seconds"]);
    expect(steps[creds].with?.["role-to-assume"]).toBe("${{ secrets.DEPLOY_ROLE_ARN }}");
    expect(session).toBeGreaterThanOrEqual((up?.timeout ?? Infinity) * 60);
    expect(session).toBeLessThanOrEqual(Number(named(boots[env], "deploy-role-role").inputs.maxSessionDuration));
  });

  it("never lets one environment's approval hold the other's deploys: one concurrency group per environment, queued not cancelled", () => {
    const jobs = workflow("deploy.yml").jobs;
    expect(jobs.dev.concurrency).toEqual({ group: "deploy-dev", "cancel-in-progress": false });
    expect(jobs.prod.concurrency).toEqual({ group: "deploy-prod", "cancel-in-progress": false });
    expect((workflow("deploy.yml") as unknown as { concurrency?: unknown }).concurrency).toBeUndefined();
    expect(jobs.prod.needs).toBe("dev");
    expect(jobs.prod.environment).toBe("production");
  });

  it("creates a missing stack instead of failing (upsert) in every Pulumi job that previews or updates", () => {
    for (const file of ["deploy.yml", "preview.yml"]) {
      for (const job of Object.values(workflow(file).jobs)) {
        const step = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        // The recovery job installs the CLI with the action and runs `pulumi up --config-file` itself.
        if (step && !step.with) expect(job.steps.some((s) => s.run?.includes("pulumi stack select --create"))).toBe(true);
        else if (step && step.with?.command !== "destroy") expect(step.with?.upsert).toBe(true);
      }
    }
  });
});

describe("reading the bootstrap stack", () => {
  it("fails before any resource exists, naming every missing output, when the bootstrap stack was not deployed", async () => {
    const run = await attemptStack({ stack: "prod", secrets: TEST_SECRETS, stackReferences: { "entasis/entasis-bootstrap/prod": { outputs: { runnerCidr: "10.251.0.0/22" }, secretOutputNames: [] } } });
    expect(String(run.error)).toContain("bootstrap stack entasis/entasis-bootstrap/prod lacks outputs runnerVpcId, runnerRouteTableIds, deployProject, deployRoleArn, previewProject, previewRoleArn");
    expect(run.resources.filter((r) => r.custom)).toEqual([]);
  });

  it("refuses a runner VPC that overlaps the platform VPC", async () => {
    const outputs = { ...boots.dev.outputs, runnerCidr: "10.10.0.0/22" };
    const run = await attemptStack({ stack: "dev", secrets: TEST_SECRETS, stackReferences: { "entasis/entasis-bootstrap/dev": { outputs, secretOutputNames: [] } } });
    expect(String(run.error)).toContain("runner VPC 10.10.0.0/22 of entasis/entasis-bootstrap/dev overlaps entasis:network.cidr 10.10.0.0/16");
  });
});
