import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { githubDeploySubject } from "../components/deploy/deployRole";
import { DEPLOY_WORKFLOW, GITHUB_DEPLOY_ENVIRONMENT, githubDeployEnvironment } from "../stacks/bootstrap";
import { PLACEHOLDER_GITHUB_REPOSITORY } from "../stacks/schema/bootstrap";
import { ENVIRONMENTS, Environment } from "../stacks/schema/defaults";

/**
 * docs/deploy.md takes both environments from an empty account to serving, names the repository in
 * one place, and its threat model states what the tests prove (deploy-role-trust, preview-access,
 * incident-access).
 */
const ROOT = path.join(__dirname, "..");
const doc = fs.readFileSync(path.join(ROOT, "docs", "deploy.md"), "utf8");
const section = (title: string): string => {
  const start = doc.indexOf(`## ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = doc.indexOf("\n## ", start + 3);
  return doc.slice(start, next === -1 ? undefined : next);
};

describe("the runbook", () => {
  it("bootstraps dev and prod, prod first when they share the account's OIDC provider, and says whether one connection serves both", () => {
    const boot = section("3. Bootstrap both environments");
    expect(boot).toContain("for env in dev prod");
    for (const env of ENVIRONMENTS) expect(boot).toContain(`pulumi up -s entasis/${env}`);
    expect(boot.indexOf("pulumi up -s entasis/prod")).toBeLessThan(boot.indexOf("pulumi up -s entasis/dev"));
    expect(boot).toContain("'entasis-bootstrap:runner.createGithubOidcProvider' false -s entasis/dev");
    expect(boot).toContain("'entasis-bootstrap:runner.githubRepository' <owner>/<repo>");
    expect(section("2. GitHub connection for the runners")).toMatch(/one connection serves both/);
  });

  it("plans, configures and deploys both stacks, admin principals before the first deploy", () => {
    for (const env of ENVIRONMENTS) expect(section("1. Preflight, offline")).toContain(`npm run plan -- ${env}`);
    const config = section("5. Platform configuration and secrets");
    expect(config).toContain("adminPrincipalArns[0]");
    expect(config.indexOf("adminPrincipalArns")).toBeLessThan(config.indexOf("slackWebhookUrl"));
    expect(section("6. First deploy")).toMatch(/entasis-dev-deploy[\s\S]*entasis-prod-deploy/);
  });

  it("states the exact OIDC subject the deploy roles trust, and sets up every GitHub environment the deploy workflow uses", () => {
    expect(section("4. Repository settings")).toContain(githubDeploySubject("<owner>/<repo>", "<dev|production|production-dr>", DEPLOY_WORKFLOW.file, DEPLOY_WORKFLOW.branch));
    const wf = yaml.load(fs.readFileSync(path.join(ROOT, ".github", "workflows", DEPLOY_WORKFLOW.file), "utf8")) as { jobs: Record<string, { environment?: string }> };
    const used = new Set(Object.values(wf.jobs).map((j) => j.environment).filter((e): e is string => e !== undefined));
    // One GitHub environment per bootstrap stack (bootstrap/Pulumi.<stack>.yaml): dev, production, production-dr.
    const bootstraps = fs.readdirSync(path.join(ROOT, "bootstrap")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((st): st is string => st !== undefined);
    const environmentOf = (st: string): Environment => ENVIRONMENTS.find((e) => st === e || st.startsWith(`${e}-`)) ?? "prod";
    expect([...used].sort()).toEqual(bootstraps.map((st) => githubDeployEnvironment(st, environmentOf(st))).sort());
    expect([...used].sort()).toEqual([...Object.values(GITHUB_DEPLOY_ENVIRONMENT), "production-dr"].sort());
    for (const env of used) {
      expect(section("4. Repository settings")).toContain(`environments/${env}/deployment-branch-policies -f name=${DEPLOY_WORKFLOW.branch}`);
      expect(section("4. Repository settings")).toContain(`gh secret set DEPLOY_ROLE_ARN --env ${env}`);
      expect(section("4. Repository settings")).toContain(`gh secret set PULUMI_ACCESS_TOKEN --env ${env}`);
    }
  });

  it("has a threat model naming who can push, who can approve, what each role and runner can reach, and the tests that prove it", () => {
    const tm = section("Threat model");
    for (const actor of ["Anyone with write access", "Forks", "Reviewers of `main`", "Reviewers of the `production` environment", "The deploy role", "The preview role", "The runners' own roles", "Network"]) expect(tm).toContain(`| ${actor}`);
    for (const test of ["tests/deploy-role-trust.test.ts", "tests/preview-access.test.ts", "tests/incident-access.test.ts"]) {
      expect(tm).toContain(test);
      expect(fs.existsSync(path.join(ROOT, test))).toBe(true);
    }
    for (const claim of ["create IAM users or access keys", "stop or delete CloudTrail", "change its own trust or the OIDC provider", "delete backup vaults, recovery points or the vault lock", "read S3 objects, secret values, parameter values, anything KMS decrypts", "previews never `refresh`", "`WORKFLOW_JOB_QUEUED`", "AdministratorAccess"]) {
      expect(tm).toContain(claim);
    }
  });
});

describe("the repository's name", () => {
  it("lives in the bootstrap stack files only (a placeholder the preflight lists), not in workflows or platform stack files", () => {
    for (const env of ENVIRONMENTS) expect(fs.readFileSync(path.join(ROOT, "bootstrap", `Pulumi.${env}.yaml`), "utf8")).toContain(`githubRepository: ${PLACEHOLDER_GITHUB_REPOSITORY}`);
    const elsewhere = [...fs.readdirSync(path.join(ROOT, ".github", "workflows")).map((f) => path.join(ROOT, ".github", "workflows", f)), ...ENVIRONMENTS.map((e) => path.join(ROOT, `Pulumi.${e}.yaml`))];
    expect(elsewhere.length).toBe(5);
    for (const f of elsewhere) {
      const text = fs.readFileSync(f, "utf8");
      expect({ f, slug: /entasis\/entasis-infra(?![/\w-])|(?<![\w.])github\.com\/[\w-]+\/[\w.-]+/.test(text) }).toEqual({ f, slug: false });
    }
  });
});

describe("every set-up that runs the tests on a fresh clone", () => {
  // `npm test` stops in its first seconds without the chart cache (tests/globalSetup.ts), so each
  // written procedure must fill it between `npm ci` and `npm test` (README "Set up and test").
  const places = ["README.md", "docs/deploy.md", ".ci/run", ".github/workflows/test.yml", ".github/workflows/deploy.yml"];
  /** The commands of a file: Markdown's code blocks and inline code one by one (prose may name a command alone), a script or workflow whole. */
  const commandsOf = (file: string, text: string): string[] =>
    file.endsWith(".md") ? [...text.matchAll(/```[\s\S]*?```|`[^`\n]+`/g)].map((m) => m[0]) : [text];
  /** Indexes of `npm test` runs not preceded, since the last `npm ci`, by `npm run charts`. */
  const uncached = (commands: string): number[] => {
    const steps = [...commands.matchAll(/npm ci(?! --prefix)|npm run charts|npm test/g)].map((m) => m[0]);
    let installed = false;
    let charts = false;
    const broken: number[] = [];
    steps.forEach((s, i) => {
      if (s === "npm ci") [installed, charts] = [true, false];
      else if (s === "npm run charts") charts = installed;
      else if (installed && !charts) broken.push(i);
    });
    return broken;
  };
  it.each(places)("%s runs npm run charts after npm ci and before npm test, each time", (file) => {
    const units = commandsOf(file, fs.readFileSync(path.join(ROOT, file), "utf8")).filter((u) => /npm ci(?! --prefix)/.test(u) && u.includes("npm test"));
    expect(units.length).toBeGreaterThan(0);
    expect(units.filter((u) => uncached(u).length > 0)).toEqual([]);
  });

  it("catches the step that leaves the cache out", () => {
    expect(uncached("npm ci && npm test && npm run plan -- dev")).toEqual([1]);
    expect(uncached("npm ci\nnpm run charts\nnpm test")).toEqual([]);
    expect(uncached("npm run charts\nnpm ci\nnpm test")).toEqual([2]);
  });
});
