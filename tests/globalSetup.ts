import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runStack } from "../tools/offline/harness";
import { listStacks } from "../tools/offline/stackFile";
import { TEST_SECRETS } from "./support/query";
import { RUN_CACHE_ENV, cacheFile } from "./support/stackRuns";

/** Runs every stack once for the whole test session (see tests/support/stackRuns.ts). */
export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entasis-runs-"));
  for (const stack of listStacks()) {
    const run = await runStack({ stack, secrets: TEST_SECRETS });
    fs.writeFileSync(cacheFile(dir, stack), JSON.stringify(run));
  }
  process.env[RUN_CACHE_ENV] = dir;
}
