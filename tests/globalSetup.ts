import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startTypecheck } from "./support/typecheck";
import { requireChartCache } from "../tools/offline/sharedCharts";
import { runStack } from "../tools/offline/harness";
import { listStacks } from "../tools/offline/stackFile";
import { RUN_CACHE_ENV, RunKind, cacheFile, runOptions } from "./support/stackRuns";

interface ProjectConfig {
  readonly testMatch?: readonly string[];
}

/**
 * Before any test: the chart cache must be complete (one line naming `npm run charts` otherwise);
 * the whole-project type check starts beside the tests when the full suite runs (its result is
 * awaited in tests/globalTeardown.ts); every stack runs once for the session with the test secrets and once as the plan runs it (tests/support/stackRuns.ts).
 */
export default async function globalSetup(_global: unknown, project: ProjectConfig): Promise<void> {
  requireChartCache();
  if ((project.testMatch ?? []).some((m) => m.includes("/shards/"))) startTypecheck();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entasis-runs-"));
  const kinds: RunKind[] = ["secrets", "placeholders"];
  for (const stack of listStacks()) {
    for (const kind of kinds) fs.writeFileSync(cacheFile(dir, stack, kind), JSON.stringify(await runStack(runOptions(stack, kind))));
  }
  process.env[RUN_CACHE_ENV] = dir;
}
