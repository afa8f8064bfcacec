/**
 * `npm run figures`: rewrites the generated part of README's "Measured" section (between the
 * `figures:begin` / `figures:end` markers) from the offline runs of every stack, as `npm run plan`
 * runs them. tests/readme-figures.test.ts fails when README no longer matches the program.
 */
import * as fs from "fs";
import * as path from "path";
import { insightsOf } from "./insights";
import { cloudResourceCount } from "./insights/model";
import { RunResult, attemptBootstrap, runStack } from "./offline/harness";
import { PROJECT_ROOT, listStacks } from "./offline/stackFile";

export const README = path.join(PROJECT_ROOT, "README.md");
export const BEGIN = "<!-- figures:begin (npm run figures) -->";
export const END = "<!-- figures:end -->";

const money = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const minutes = (s: number): string => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
const cloud = (run: RunResult): number => cloudResourceCount(run.resources);

/** The generated table: per stack its resources, monthly cost at pool minimum and maximum, and its `pulumi up` critical path. */
export function figuresTable(stacks: readonly RunResult[], bootstrap: RunResult, region = "ap-northeast-2"): string {
  const rows = stacks.map((run) => {
    const i = insightsOf(run, region);
    const cost = i.cost ? `${money(i.cost.monthlyMin)} .. ${money(i.cost.monthlyMax)}` : "n/a";
    return `| ${run.stack} stack | ${cloud(run)} cloud resources (${run.resources.length} registered) | ${cost} | ${minutes(i.timeline.criticalPathSeconds)} |`;
  });
  return [
    "| Stack | Resources | Monthly cost, node pools at min .. max | `pulumi up` critical path |",
    "| --- | --- | --- | --- |",
    ...rows,
    `| bootstrap stack (each environment) | ${cloud(bootstrap)} cloud resources (${bootstrap.resources.length} registered) | see \`npm run plan\`'s deploy path | run once by hand |`,
  ].join("\n");
}

/** README with the generated part replaced. */
export function withFigures(readme: string, table: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  return `${readme.slice(0, a + BEGIN.length)}\n${table}\n${readme.slice(b)}`;
}

/** The figures from the real stack files, as the plan runs them (placeholder secrets). */
export async function currentFigures(): Promise<string> {
  const runs: RunResult[] = [];
  for (const stack of listStacks()) runs.push(await runStack({ stack, placeholderSecrets: true }));
  const bootstrap = await attemptBootstrap({ stack: "prod" });
  return figuresTable(runs, bootstrap);
}

if (require.main === module) {
  currentFigures()
    .then((table) => {
      fs.writeFileSync(README, withFigures(fs.readFileSync(README, "utf8"), table));
      process.stdout.write(`${table}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
}
