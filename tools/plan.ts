import * as fs from "fs";
import { ConfigError } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import * as path from "path";
import { CostReport } from "./insights/cost";
import { Insights, compareCosts } from "./insights";
import { QuotaReport, combineQuotas } from "./insights/quotas";
import { diagramOf, writeDiagram } from "./insights/diagramFiles";
import { attemptBootstrap, attemptStack } from "./offline/harness";
import { estimateCost } from "./insights/cost";
import { ResourceIndex } from "./insights/model";
import { PRICES_AP_NORTHEAST_2 } from "./insights/prices-ap-northeast-2";
import { bootstrapStackOf, loadStackFile } from "./offline/stackFile";
import { PROJECT_ROOT, listStacks } from "./offline/stackFile";
import { buildReport } from "./plan/report";
import { renderReport } from "./plan/render";
import { renderWholeAccount } from "./plan/renderAccount";

const USAGE = "usage: npm run plan -- <stack> [--json FILE]";

interface CliArgs {
  readonly stack: string;
  readonly jsonFile?: string;
}

export function parseArgs(argv: readonly string[]): CliArgs | string {
  const positional: string[] = [];
  let jsonFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json") {
      jsonFile = argv[++i];
      if (!jsonFile) return `--json needs a file name\n${USAGE}`;
    } else if (argv[i].startsWith("-")) return `unknown option ${argv[i]}\n${USAGE}`;
    else positional.push(argv[i]);
  }
  if (positional.length !== 1) return `${USAGE}\nstacks: ${listStacks().join(", ")}`;
  if (!listStacks().includes(positional[0])) return `no stack "${positional[0]}" (no Pulumi.${positional[0]}.yaml); stacks: ${listStacks().join(", ")}`;
  return { stack: positional[0], jsonFile };
}

export interface MainOptions {
  /** Where to write docs/architecture-<stack>.md. Default: the repo's docs/, unless `overrides`
   * are given (a hypothetical config must not overwrite the checked-in diagram). */
  readonly docsDir?: string;
}

/** Insights of the other stacks, for the dev/prod cost ratio and the account-wide quotas; runs are deterministic, so keep them. */
const otherStackInsights = new Map<string, Insights | undefined>();

async function insightsOfStack(stack: string): Promise<Insights | undefined> {
  if (!otherStackInsights.has(stack)) {
    const run = await attemptStack({ stack, placeholderSecrets: true });
    otherStackInsights.set(stack, run.error === undefined ? buildReport(run).insights : undefined);
  }
  return otherStackInsights.get(stack);
}

/**
 * Runs the plan and returns the exit code; prints to the given streams. `overrides` replaces
 * stack-file keys (tests use it to plan a broken config without writing one).
 */
export async function main(
  argv: readonly string[],
  log: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
  overrides?: Readonly<Record<string, unknown>>,
  options: MainOptions = {},
): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    err(args);
    return 2;
  }
  const run = await attemptStack({ stack: args.stack, placeholderSecrets: true, overrides });
  if (run.error !== undefined) {
    if (run.error instanceof ConfigError) {
      err(`Pulumi.${args.stack}.yaml is not valid (${run.error.problems.length} problem${run.error.problems.length === 1 ? "" : "s"}); nothing was planned:`);
      for (const p of run.error.problems) err(`  - ${renderProblem(p)}`);
    } else {
      err(`the program failed for stack ${args.stack}: ${run.error instanceof Error ? run.error.message : String(run.error)}`);
    }
    return 1;
  }
  const first = buildReport(run);
  // Every other stack is planned too (without overrides) for the cost comparison and the quotas of one shared account.
  const costs: Record<string, CostReport> = {};
  const quotas: Record<string, QuotaReport> = {};
  if (first.insights.cost) costs[args.stack] = first.insights.cost;
  if (first.insights.preflight?.quotas) quotas[args.stack] = first.insights.preflight.quotas;
  if (overrides === undefined) otherStackInsights.set(args.stack, first.insights);
  for (const other of listStacks().filter((s) => s !== args.stack)) {
    const ins = await insightsOfStack(other);
    if (ins?.cost) costs[other] = ins.cost;
    if (ins?.preflight?.quotas) quotas[other] = ins.preflight.quotas;
  }
  const docsDir = options.docsDir ?? (overrides === undefined ? undefined : null);
  const diagramPath = docsDir === null ? undefined : writeDiagram(args.stack, diagramOf(run), docsDir);
  const bootstrap = await bootstrapSummary(args.stack);
  const report = { ...first, costComparison: compareCosts(costs), accountQuotas: Object.keys(quotas).length > 1 ? combineQuotas(quotas) : undefined, diagramPath: diagramPath && path.relative(PROJECT_ROOT, diagramPath), bootstrap };
  log(renderReport(report));
  log((await renderWholeAccount(args.stack, quotas, run.resources)).join("\n"));
  if (bootstrap) {
    log("");
    log("Deploy path (bootstrap stack)");
    log("=============================");
    log(`${bootstrap.stack}: ${bootstrap.cloudResources} cloud resources; runner VPC ${bootstrap.runnerCidr} peered with the platform VPC and admitted to the API on 443`);
    log(`runners: codebuild-${bootstrap.deployProject}-* (pulumi up), codebuild-${bootstrap.previewProject}-* (pulumi preview)`);
    log(`estimated monthly cost: $${bootstrap.monthly.toFixed(0)} (its NAT gateway and log/flow-log charges; CodeBuild build minutes are billed per use)`);
  }
  if (args.jsonFile) {
    fs.writeFileSync(args.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    log(`\nwrote ${args.jsonFile}`);
  }
  return 0;
}

/** The bootstrap stack that `entasis:deploy.bootstrapStack` names, planned offline: what the deploy path itself costs. */
async function bootstrapSummary(stack: string): Promise<{ stack: string; cloudResources: number; runnerCidr: string; deployProject: string; previewProject: string; monthly: number } | undefined> {
  const name = bootstrapStackOf(loadStackFile(stack).config);
  if (!name) return undefined;
  const run = await attemptBootstrap({ stack: name.split("/").pop() ?? name });
  if (run.error !== undefined) return undefined;
  const cost = estimateCost(new ResourceIndex(run.resources), PRICES_AP_NORTHEAST_2);
  return {
    stack: name,
    cloudResources: run.resources.filter((r) => r.custom).length,
    runnerCidr: String(run.outputs.runnerCidr),
    deployProject: String(run.outputs.deployProject),
    previewProject: String(run.outputs.previewProject),
    monthly: cost.monthlyMin,
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
