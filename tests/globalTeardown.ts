import * as fs from "fs";
import { finishTypecheck } from "./support/typecheck";
import { RUN_CACHE_ENV } from "./support/stackRuns";

/** After the tests: the type check's verdict (a failure fails `npm test`), and the session's recorded runs removed. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[RUN_CACHE_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await finishTypecheck();
}
