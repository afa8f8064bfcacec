import * as fs from "fs";
import * as path from "path";
import { insightsOf } from "../insights";
import { ResourceIndex } from "../insights/model";
import { analyseTimeline } from "../insights/timeline";
import { attemptStack } from "../offline/harness";
import { PROJECT_ROOT } from "../offline/stackFile";
import { mmss } from "../plan/format";
import { renderPreflight } from "../plan/renderPreflight";
import { recoveryConfig, recoveryConfigPath } from "./recoveryConfig";

// `npx ts-node --transpile-only tools/recovery/cli.ts [source stack, default prod] [--preflight]`:
// writes docs/recovery/Pulumi.<source>-dr.yaml; with --preflight, runs the committed file through
// the program offline and prints its quotas and prerequisites in the DR region and the critical path
// of its `pulumi up` (docs/disaster-recovery.md, "Prepare while Seoul is healthy").
async function main(argv: readonly string[]): Promise<void> {
  const source = argv.find((a) => !a.startsWith("--")) ?? "prod";
  const config = recoveryConfig(source);
  const out = recoveryConfigPath(source);
  if (!argv.includes("--preflight")) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, config.text);
    console.log(`wrote ${path.relative(PROJECT_ROOT, out)}`);
    return;
  }
  const run = await attemptStack({ stack: config.stack, stackFile: out, placeholderSecrets: true });
  if (run.error !== undefined) throw run.error;
  const insights = insightsOf(run, config.region);
  if (insights.preflight) for (const line of renderPreflight(insights.preflight, config.stack)) console.log(line);
  const t = analyseTimeline(new ResourceIndex(run.resources));
  console.log(`\nCritical path of the recovery stack's pulumi up: ${mmss(t.criticalPathSeconds)} (${t.criticalPath.filter((s) => s.seconds >= 60).map((s) => `${s.name} ${mmss(s.seconds)}`).join(" > ")})`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
