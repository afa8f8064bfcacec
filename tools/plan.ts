// First: serves unchanged modules from the transpile cache before the rest of the program loads.
import "./plan/transpileCache";
import * as fs from "fs";
import { ConfigError } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import { listStacks } from "./offline/stackFile";
import { collectPlan } from "./plan/collect";
import { renderReport } from "./plan/render";

const USAGE = "usage: npm run plan -- <stack> [--full] [--json FILE] [--no-cache]";

export interface CliArgs {
  readonly stack: string;
  readonly jsonFile?: string;
  /** Print every section, not only the summary and the shorter ones. */
  readonly full: boolean;
  /** Run every other stack again instead of reusing its cached cost and quotas. */
  readonly noCache: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs | string {
  const positional: string[] = [];
  let jsonFile: string | undefined;
  let full = false;
  let noCache = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json") {
      jsonFile = argv[++i];
      if (!jsonFile) return `--json needs a file name\n${USAGE}`;
    } else if (argv[i] === "--full") full = true;
    else if (argv[i] === "--no-cache") noCache = true;
    else if (argv[i].startsWith("-")) return `unknown option ${argv[i]}\n${USAGE}`;
    else positional.push(argv[i]);
  }
  if (positional.length !== 1) return `${USAGE}\nstacks: ${listStacks().join(", ")}`;
  if (!listStacks().includes(positional[0])) return `no stack "${positional[0]}" (no Pulumi.${positional[0]}.yaml); stacks: ${listStacks().join(", ")}`;
  return { stack: positional[0], jsonFile, full, noCache };
}

export interface MainOptions {
  /** Where to write docs/architecture-<stack>.md. Default: the repo's docs/, unless `overrides`
   * are given (a hypothetical config must not overwrite the checked-in diagram). */
  readonly docsDir?: string;
  /** Progress of the runs (stderr when run as a command). Default: none. */
  readonly progress?: (step: string) => void;
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
  const collected = await collectPlan(args.stack, { overrides, docsDir: options.docsDir, progress: options.progress, cache: !args.noCache });
  if ("failed" in collected) {
    const error = collected.failed.error;
    if (error instanceof ConfigError) {
      err(`Pulumi.${args.stack}.yaml is not valid (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}); nothing was planned:`);
      for (const p of error.problems) err(`  - ${renderProblem(p)}`);
    } else {
      err(`the program failed for stack ${args.stack}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  }
  const report = collected.report;
  if (args.jsonFile) fs.writeFileSync(args.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  log(renderReport(report, { full: args.full, jsonFile: args.jsonFile }));
  return 0;
}

/** One progress line on stderr: rewritten in place on a terminal, one line per step otherwise. */
function progressLine(stream: NodeJS.WriteStream): { step: (s: string) => void; done: () => void } {
  const started = Date.now();
  const stamp = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  if (!stream.isTTY) return { step: (s) => stream.write(`plan [${stamp()}] ${s}\n`), done: () => undefined };
  return {
    step: (s) => stream.write(`\r\x1b[Kplan [${stamp()}] ${s.slice(0, (stream.columns ?? 80) - 20)}`),
    done: () => stream.write("\r\x1b[K"),
  };
}

if (require.main === module) {
  const progress = progressLine(process.stderr);
  // A reader that stops early (`| head -40`) closes the pipe: the rest is not wanted, which is no error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
  // The exit code is set, never forced: process.exit() would cut stdout off while a pipe still drains it.
  main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => {
      progress.done();
      process.stderr.write(`${s}\n`);
    },
    undefined, { progress: progress.step }).then(
    (code) => {
      progress.done();
      process.exitCode = code;
    },
    (e: unknown) => {
      progress.done();
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
