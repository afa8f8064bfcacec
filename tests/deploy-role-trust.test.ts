import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { GITHUB_OIDC_HOST, GITHUB_SUB_CLAIM_KEYS } from "../components/deploy/deployRole";
import { githubDeployEnvironment } from "../stacks/bootstrap";
import { RecordedResource, RunResult, attemptBootstrap } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { EnvironmentRule, TRIGGERS, Trigger, WorkflowFile, environmentAdmits, oidcClaims, webIdentityContext, workflowRuns } from "./support/githubActions";
import { Json, evaluate, rolePolicies } from "./support/iam";
import { jsonInput, named, ofType } from "./support/query";

/**
 * Who can obtain the deploy role of dev and of prod: for every job of every workflow file under
 * every trigger, the claims GitHub would put in the job's OIDC token, judged by the recorded trust
 * policies. Only main's jobs of deploy.yml in the matching environment may; a branch that writes a
 * workflow named `deploy` (or edits deploy.yml) reaches the deploy runner but gets no credentials.
 */
const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
const DOC = fs.readFileSync(path.join(__dirname, "..", "docs", "deploy.md"), "utf8");
/** Every bootstrap stack: dev, prod, and prod's DR-region bootstrap (the standby's deploy job). */
const ENVS = ["dev", "prod", "prod-dr"] as const;
const ENVIRONMENT_OF = { dev: "dev", prod: "prod", "prod-dr": "prod" } as const;

/** The repository settings docs/deploy.md step 4 makes: both environments deploy from main only; production needs reviewers. */
const REPOSITORY_SETTINGS: Readonly<Record<string, EnvironmentRule>> = {
  dev: { deploymentBranches: ["main"], requiredReviewers: false },
  production: { deploymentBranches: ["main"], requiredReviewers: true },
  "production-dr": { deploymentBranches: ["main"], requiredReviewers: true },
};

const boots: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const env of ENVS) {
    boots[env] = await attemptBootstrap({ stack: env });
    if (boots[env].error) throw boots[env].error;
  }
});

const repository = (env: string): string => (JSON.parse(loadStackFile(env, path.join(__dirname, "..", "bootstrap", `Pulumi.${env}.yaml`)).config["entasis-bootstrap:runner"]) as { githubRepository: string }).githubRepository;
const deployRole = (env: string): RecordedResource => named(boots[env], "deploy-role-role");
const trustOf = (env: string): Json => jsonInput(deployRole(env), "assumeRolePolicy");
/**
 * The account's one GitHub OIDC provider: created by prod's bootstrap (and dev's in a dev-only
 * account), reused by prod's DR-region bootstrap (IAM is global; createGithubOidcProvider false).
 */
const createsProvider = (env: string): boolean => ofType(boots[env], "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length === 1;
const providerArn = (env: string): string => (createsProvider(env) ? String(named(boots[env], "deploy-role-github-oidc").state.arn) : `arn:aws:iam::123456789012:oidc-provider/${GITHUB_OIDC_HOST}`);

const realWorkflows = (): Record<string, WorkflowFile> =>
  Object.fromEntries(
    fs
      .readdirSync(WORKFLOWS)
      .filter((f) => f.endsWith(".yml"))
      .map((f) => [f, yaml.load(fs.readFileSync(path.join(WORKFLOWS, f), "utf8")) as WorkflowFile]),
  );

interface Outcome {
  readonly file: string;
  readonly job: string;
  readonly trigger: string;
  readonly role: string;
}

/** Every (file, job, trigger) whose token obtains a deploy role, and how many job runs were judged. */
function whoDeploys(workflows: Record<string, WorkflowFile>, opts: { triggers?: readonly Trigger[]; settings?: Readonly<Record<string, EnvironmentRule>>; subTemplate?: readonly string[] } = {}): { granted: Outcome[]; judged: number } {
  const granted: Outcome[] = [];
  let judged = 0;
  for (const [file, wf] of Object.entries(workflows)) {
    for (const trigger of opts.triggers ?? TRIGGERS) {
      if (!workflowRuns(wf, trigger)) continue;
      for (const [jobName, job] of Object.entries(wf.jobs)) {
        // A job GitHub refuses to start (its environment's branch rule) never gets a token.
        if (!environmentAdmits(job, trigger, opts.settings ?? REPOSITORY_SETTINGS)) continue;
        judged++;
        for (const env of ENVS) {
          const claims = oidcClaims(repository(env), file, job, trigger, opts.subTemplate ?? GITHUB_SUB_CLAIM_KEYS);
          const decision = evaluate([trustOf(env)], { action: "sts:AssumeRoleWithWebIdentity", principal: { Federated: providerArn(env) }, context: webIdentityContext(GITHUB_OIDC_HOST, claims) });
          if (decision === "Allow") granted.push({ file, job: jobName, trigger: trigger.label, role: env });
        }
      }
    }
  }
  return { granted, judged };
}

/**
 * What the repository's own workflows may do: deploy.yml's environment jobs, on main only. `if:` is
 * not modelled (a job that might run counts), so destroy-dev is counted on a push to main too, where
 * its `if: inputs.destroy-dev` skips it: the same dev role, from the same reviewed file.
 */
const EXPECTED: Outcome[] = [
  { file: "deploy.yml", job: "destroy-dev", trigger: "push to main", role: "dev" },
  { file: "deploy.yml", job: "dev", trigger: "push to main", role: "dev" },
  { file: "deploy.yml", job: "prod", trigger: "push to main", role: "prod" },
  { file: "deploy.yml", job: "dev", trigger: "manual dispatch on main", role: "dev" },
  { file: "deploy.yml", job: "prod", trigger: "manual dispatch on main", role: "prod" },
  { file: "deploy.yml", job: "destroy-dev", trigger: "manual dispatch on main", role: "dev" },
  { file: "deploy.yml", job: "prod-standby", trigger: "push to main", role: "prod-dr" },
  { file: "deploy.yml", job: "prod-standby", trigger: "manual dispatch on main", role: "prod-dr" },
  { file: "deploy.yml", job: "recover-prod", trigger: "push to main", role: "prod-dr" },
  { file: "deploy.yml", job: "recover-prod", trigger: "manual dispatch on main", role: "prod-dr" },
];
const key = (o: Outcome): string => `${o.file}#${o.job} ${o.trigger} -> ${o.role}`;

describe("the deploy roles of dev, prod and prod's DR region", () => {
  it.each(ENVS)("%s: trust only GitHub's OIDC provider, for one subject: the environment's job of deploy.yml read from main", (env) => {
    const trust = trustOf(env);
    const statements = Array.isArray(trust.Statement) ? trust.Statement : [trust.Statement];
    expect(statements).toHaveLength(1);
    expect(statements[0].Principal).toEqual({ Federated: providerArn(env) });
    expect(createsProvider(env)).toBe(env !== "prod-dr");
    if (createsProvider(env)) expect(deployRole(env).propertyDependencies.assumeRolePolicy).toContain(named(boots[env], "deploy-role-github-oidc").urn);
    else expect(providerArn(env)).toBe(providerArn("prod"));
    const environment = githubDeployEnvironment(env, ENVIRONMENT_OF[env]);
    expect(statements[0].Condition?.StringEquals).toEqual({
      [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
      [`${GITHUB_OIDC_HOST}:sub`]: `repo:${repository(env)}:environment:${environment}:job_workflow_ref:${repository(env)}/.github/workflows/deploy.yml@refs/heads/main`,
    });
    if (createsProvider(env)) expect(named(boots[env], "deploy-role-github-oidc").inputs).toMatchObject({ url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"] });
    // No service or account principal: CodeBuild (or anyone in the account) cannot assume it directly.
    expect(evaluate([trust], { action: "sts:AssumeRole", principal: { Service: "codebuild.amazonaws.com" } })).toBe("ImplicitDeny");
  });

  it("are obtained, across every job of every workflow under every trigger, only by main's deploy.yml jobs in the matching environment", () => {
    const { granted, judged } = whoDeploys(realWorkflows());
    expect(granted.map(key).sort()).toEqual(EXPECTED.map(key).sort());
    // deploy.yml: its 6 jobs on a push to main and on a dispatch on main (`if:` not modelled), only
    // `test` on a dispatch on a branch (the environments refuse the branch); preview.yml: its 3 jobs
    // (the matrix, the standby's, the DR bootstrap's) on the pull request; test.yml: 1 on each push and on the pull request.
    expect(judged).toBe(6 + 6 + 1 + 3 + 3);
  });

  it("hold without the environments' branch rules too (the subject pins the ref), and need the repository's subject template (the default subject fits nothing)", () => {
    const noRules = whoDeploys(realWorkflows(), { settings: {} });
    expect(noRules.granted.map(key).sort()).toEqual(EXPECTED.map(key).sort());
    expect(noRules.judged).toBe(6 + 6 + 6 + 3 + 3);
    expect(whoDeploys(realWorkflows(), { subTemplate: ["repo", "context"] }).granted).toEqual([]);
  });

  it("are refused to a branch that renames a workflow `deploy` or edits deploy.yml, under every trigger, even without environment rules", () => {
    const runner = (env: string): string => `codebuild-entasis-${env}-deploy-\${{ github.run_id }}-\${{ github.run_attempt }}`;
    const evilJobs = {
      "to-prod": { environment: "production", "runs-on": runner("prod") },
      "to-dev": { environment: "dev", "runs-on": runner("dev") },
      bare: { "runs-on": runner("prod") },
    };
    const everywhere = { push: { branches: ["**"] }, pull_request: null, workflow_dispatch: null };
    const renamed: WorkflowFile = { name: "deploy", on: everywhere, jobs: evilJobs };
    const edited: WorkflowFile = { name: "deploy", on: everywhere, jobs: { ...realWorkflows()["deploy.yml"].jobs, ...evilJobs } };
    const branchTriggers = TRIGGERS.filter((t) => t.ref !== "refs/heads/main");
    expect(branchTriggers).toHaveLength(3);
    for (const settings of [REPOSITORY_SETTINGS, {}]) {
      const renamedRun = whoDeploys({ "evil.yml": renamed }, { settings });
      expect(renamedRun.granted).toEqual([]);
      const editedRun = whoDeploys({ "deploy.yml": edited }, { triggers: branchTriggers, settings });
      expect(editedRun.granted).toEqual([]);
      expect(editedRun.judged).toBeGreaterThan(0);
    }
    // Every trigger, main's included (the renamed file merged is still not deploy.yml), every job.
    expect(whoDeploys({ "evil.yml": renamed }, { settings: {} }).judged).toBe(TRIGGERS.length * 3);
  });
});

describe("the runners' own roles", () => {
  it.each(ENVS)("%s: the deploy runner's role can run builds and nothing else (a job routed by name alone gets no deploy rights)", (env) => {
    const role = named(boots[env], "deploy-runner-role");
    const policies = rolePolicies(boots[env], role);
    expect(ofType(boots[env], "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("deploy-runner"))).toEqual([]);
    for (const action of ["iam:CreateRole", "iam:PassRole", "eks:CreateCluster", "ec2:RunInstances", "s3:GetObject", "secretsmanager:GetSecretValue", "sts:AssumeRole", "kms:Decrypt", "ssm:StartSession"]) {
      expect({ action, decision: evaluate(policies, { action, resource: "*" }) }).toEqual({ action, decision: "ImplicitDeny" });
    }
    const logGroup = ofType(boots[env], "aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === `/aws/codebuild/entasis-${env}-deploy`);
    expect(evaluate(policies, { action: "logs:PutLogEvents", resource: `${String(logGroup?.state.arn)}:log-stream:build` })).toBe("Allow");
  });
});

describe("the runbook", () => {
  it("sets the subject template and the environments' branch rules that the model above assumes", () => {
    expect(DOC).toContain(`actions/oidc/customization/sub`);
    for (const k of GITHUB_SUB_CLAIM_KEYS) expect(DOC).toContain(`include_claim_keys[]=${k}`);
    for (const [env, rule] of Object.entries(REPOSITORY_SETTINGS)) {
      expect(DOC).toContain(`environments/${env}`);
      for (const b of rule.deploymentBranches) expect(DOC).toMatch(new RegExp(`environments/${env}/deployment-branch-policies[^\\n]*name=${b}`));
    }
    expect(DOC.split("\n").some((line) => line.includes("environments/production") && line.includes("reviewers"))).toBe(true);
  });
});

describe("the deploy role's guardrails (explicit denies over AdministratorAccess)", () => {
  const decide = (env: string, action: string, resource = "*"): string => evaluate(rolePolicies(boots[env], deployRole(env)), { action, resource });
  const roleArn = (env: string): string => String(deployRole(env).state.arn);

  it.each(ENVS)("%s: no IAM users or access keys, no CloudTrail tampering, no change to its own trust or the OIDC provider", (env) => {
    for (const action of ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:PutUserPolicy", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors"]) {
      expect({ action, decision: decide(env, action) }).toEqual({ action, decision: "Deny" });
    }
    for (const action of ["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy", "iam:DeleteRole"]) {
      expect({ action, decision: decide(env, action, roleArn(env)) }).toEqual({ action, decision: "Deny" });
      // ... while the roles the program owns stay manageable.
      expect({ action, decision: decide(env, action, "arn:aws:iam::123456789012:role/entasis-prod-eks-node-1a2b3c") }).toEqual({ action, decision: "Allow" });
    }
    expect(decide(env, "iam:DeleteOpenIDConnectProvider", providerArn(env))).toBe("Deny");
  });

  it("prod: no deletion of backup vaults, their recovery points or lock, and no shortening of their lifecycle; dev's teardown may delete its own", () => {
    for (const action of ["backup:DeleteBackupVault", "backup:DeleteRecoveryPoint", "backup:DeleteBackupVaultLockConfiguration", "backup:UpdateRecoveryPointLifecycle"]) {
      expect({ action, prod: decide("prod", action), dev: decide("dev", action) }).toEqual({ action, prod: "Deny", dev: "Allow" });
    }
  });

  it.each(ENVS)("%s: stays broad for what `pulumi up` does: roles, policies, keys, clusters, databases, networks", (env) => {
    for (const action of ["iam:CreateRole", "iam:PassRole", "iam:PutRolePolicy", "kms:CreateKey", "kms:ScheduleKeyDeletion", "eks:CreateCluster", "rds:CreateDBInstance", "ec2:CreateVpc", "s3:PutBucketPolicy", "backup:CreateBackupVault", "backup:PutBackupVaultLockConfiguration"]) {
      expect({ action, decision: decide(env, action) }).toEqual({ action, decision: "Allow" });
    }
  });
});
