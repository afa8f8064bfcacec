import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startTypecheck } from "./support/typecheck";
import { requireChartCache } from "../tools/offline/sharedCharts";
import { runStack } from "../tools/offline/harness";
import { listStacks } from "../tools/offline/stackFile";
import { TEST_SECRETS } from "./support/query";
import { RUN_CACHE_ENV, cacheFile } from "./support/stackRuns";

interface ProjectConfig {
  readonly testMatch?: readonly string[];
}

/**
 * Before any test: the chart cache must be complete (one line naming `npm run charts` otherwise);
 * the whole-project type check starts beside the tests when the full suite runs (its result is
 * awaited in tests/globalTeardown.ts); every stack runs once for the session (tests/support/stackRuns.ts).
 */
export default async function globalSetup(_global: unknown, project: ProjectConfig): Promise<void> {
  requireChartCache();
  if ((project.testMatch ?? []).some((m) => m.includes("/shards/"))) startTypecheck();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entasis-runs-"));
  for (const stack of listStacks()) {
    const run = await runStack({ stack, secrets: TEST_SECRETS });
    fs.writeFileSync(cacheFile(dir, stack), JSON.stringify(run));
  }
  process.env[RUN_CACHE_ENV] = dir;
}
