import * as path from "path";
import { Insights, compareCosts } from "../insights";
import { FailoverPlan, FailoverSide, planFailover } from "../insights/failover";
import { CostReport, estimateCost } from "../insights/cost";
import { diagramOf, writeDiagram } from "../insights/diagramFiles";
import { ResourceIndex, cloudResourceCount } from "../insights/model";
import { PRICES_AP_NORTHEAST_2 } from "../insights/prices-ap-northeast-2";
import { QuotaReport, combineQuotas } from "../insights/quotas";
import { wholeAccountOf } from "./renderAccount";
import { RunResult, StackRunResult, attemptBootstrap, attemptStack, cheapStackTraces } from "../offline/harness";
import { PROJECT_ROOT, bootstrapStackOf, listStacks, loadStackFile } from "../offline/stackFile";
import { readCache, sourceFingerprint, writeCache } from "./cache";
import { BootstrapSummary, PlanReport, buildReport } from "./report";

export interface CollectOptions {
  /** Replaces stack-file keys (tests plan a broken config without writing one). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Where to write architecture-<stack>.md; null: not at all. Default: docs/, unless overrides are given. */
  readonly docsDir?: string | null;
  /** One line per step, for the progress line on stderr. */
  readonly progress?: (step: string) => void;
  /** Reuse the other stacks' cost and quotas from node_modules/.cache when no input changed. Default true. */
  readonly cache?: boolean;
}

export type Collected = { readonly report: PlanReport } | { readonly failed: StackRunResult };

/** What the plan of one stack needs from every other stack: its cost and its quotas. */
export interface OtherStack {
  readonly cost?: CostReport;
  readonly quotas?: QuotaReport;
  /** Its side of a multi-region failover pair, if it is one. */
  readonly failover?: FailoverSide;
}

/** Stack traces cut short while the plan runs (see cheapStackTraces in tools/offline/harness.ts, where each program run does the same). */
export async function withCheapStackTraces<T>(fn: () => Promise<T>): Promise<T> {
  const restore = cheapStackTraces();
  try {
    return await fn();
  } finally {
    restore();
  }
}

/** Config of the stack file with the overrides applied, as attemptStack applies them. */
function configWith(stack: string, overrides: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const config: Record<string, string> = { ...loadStackFile(stack).config };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config[k];
    else config[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return config;
}

export function bootstrapSummaryOf(name: string, run: RunResult): BootstrapSummary {
  return {
    stack: name,
    cloudResources: cloudResourceCount(run.resources),
    runnerCidr: String(run.outputs.runnerCidr),
    deployProject: String(run.outputs.deployProject),
    previewProject: String(run.outputs.previewProject),
    monthly: estimateCost(new ResourceIndex(run.resources), PRICES_AP_NORTHEAST_2).monthlyMin,
  };
}

/** Runs a stack (and the bootstrap stack it reads) once; the bootstrap run serves both the StackReference and the deploy-path summary. */
async function runWithBootstrap(stack: string, overrides: Readonly<Record<string, unknown>> | undefined, progress: (s: string) => void): Promise<{ run: StackRunResult; bootstrap?: BootstrapSummary }> {
  const name = bootstrapStackOf(configWith(stack, overrides));
  if (name === undefined) {
    progress(`running the program for ${stack}`);
    return { run: await attemptStack({ stack, placeholderSecrets: true, overrides }) };
  }
  progress(`running the bootstrap stack ${name}`);
  const boot = await attemptBootstrap({ stack: name.split("/").pop() ?? name, preview: true });
  if (boot.error !== undefined) {
    // Let attemptStack run it again and report the failure as the platform's run would.
    progress(`running the program for ${stack}`);
    return { run: await attemptStack({ stack, placeholderSecrets: true, overrides }) };
  }
  progress(`running the program for ${stack}`);
  const run = await attemptStack({ stack, placeholderSecrets: true, overrides, stackReferences: { [name]: { outputs: boot.outputs, secretOutputNames: [...boot.secretOutputs] } } });
  return { run, bootstrap: bootstrapSummaryOf(name, boot) };
}

/** The cost and quotas of a successful run of another stack. */
export function otherStackOf(run: StackRunResult): OtherStack {
  return otherStackOfInsights(buildReport(run).insights);
}

async function otherStack(stack: string, fingerprint: string | undefined, progress: (s: string) => void): Promise<OtherStack> {
  const cached = fingerprint === undefined ? undefined : readCache<OtherStack>(`stack-${stack}`, fingerprint);
  if (cached) {
    progress(`${stack}: cost and quotas from the cache (no input changed)`);
    return cached;
  }
  progress(`running the program for ${stack} (for the cost ratio and the shared quotas)`);
  const run = await attemptStack({ stack, placeholderSecrets: true });
  if (run.error !== undefined) return {};
  const value = otherStackOf(run);
  if (fingerprint !== undefined) writeCache(`stack-${stack}`, fingerprint, value);
  return value;
}

/**
 * The plan of a successful run, with what it needs from the other stacks (cost comparison, quotas
 * of a shared account) and from its bootstrap stack. Pure: tests call it with recorded runs.
 */
export function assembleReport(run: StackRunResult, extras: { readonly others?: Readonly<Record<string, OtherStack>>; readonly bootstrap?: BootstrapSummary; readonly diagramPath?: string } = {}): PlanReport {
  const first = buildReport(run);
  const costs: Record<string, CostReport> = {};
  const quotas: Record<string, QuotaReport> = {};
  for (const [name, o] of [[run.stack, otherStackOfInsights(first.insights)] as const, ...Object.entries(extras.others ?? {})]) {
    if (o.cost) costs[name] = o.cost;
    if (o.quotas) quotas[name] = o.quotas;
  }
  const sides: Record<string, OtherStack> = { [run.stack]: otherStackOfInsights(first.insights), ...(extras.others ?? {}) };
  return {
    ...first,
    failover: failoverOf(run.stack, sides),
    costComparison: compareCosts(costs),
    accountQuotas: Object.keys(quotas).length > 1 ? combineQuotas(quotas) : undefined,
    diagramPath: extras.diagramPath,
    bootstrap: extras.bootstrap,
  };
}

function otherStackOfInsights(ins: Insights): OtherStack {
  return { cost: ins.cost, quotas: ins.preflight?.quotas, failover: ins.failover };
}

/** The pair this stack belongs to: the stacks with failover records of each side (one of them this one). */
function failoverOf(stack: string, sides: Readonly<Record<string, OtherStack>>): FailoverPlan | undefined {
  if (!sides[stack]?.failover) return undefined;
  const side = (role: FailoverSide["role"]): OtherStack | undefined => Object.values(sides).find((o) => o.failover?.role === role);
  const primary = side("primary");
  const standby = side("standby");
  if (!primary?.failover || !standby?.failover) return undefined;
  return planFailover(primary.failover, standby.failover, primary.cost);
}

/** Plans `stack`: runs it, its bootstrap stack and (from the cache when possible) every other stack. */
export async function collectPlan(stack: string, options: CollectOptions = {}): Promise<Collected> {
  const progress = options.progress ?? ((): void => undefined);
  return withCheapStackTraces(async () => {
    const { run, bootstrap } = await runWithBootstrap(stack, options.overrides, progress);
    if (run.error !== undefined) return { failed: run };
    const others: Record<string, OtherStack> = {};
    const names = listStacks().filter((s) => s !== stack);
    const fingerprint = options.cache === false || names.length === 0 ? undefined : sourceFingerprint();
    for (const other of names) others[other] = await otherStack(other, fingerprint, progress);
    progress(`analysing ${stack}: cost, creation time, failure domains, preflight`);
    const docsDir = options.docsDir !== undefined ? options.docsDir : options.overrides === undefined ? undefined : null;
    const diagramPath = docsDir === null ? undefined : path.relative(PROJECT_ROOT, writeDiagram(stack, diagramOf(run), docsDir));
    const report = assembleReport(run, { others, bootstrap, diagramPath });
    progress("running every environment's bootstrap stack for the whole account's quotas");
    const quotas = Object.fromEntries([[stack, report.insights.preflight?.quotas], ...Object.entries(others).map(([k, o]) => [k, o.quotas])].filter((e): e is [string, QuotaReport] => e[1] !== undefined));
    return { report: { ...report, wholeAccount: await wholeAccountOf(stack, quotas, run.resources) } };
  });
}
