import { spawn } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = Symbol.for("entasis.typecheck");

interface Typecheck {
  readonly done: Promise<{ code: number | null; output: string }>;
}

/**
 * Starts `tsc --noEmit -p tsconfig.json` (the `typecheck` script) in a child process, so that the
 * type check of the whole project runs beside the tests instead of before them. Jest runs the
 * global setup and teardown in one process; the teardown reads the result (globalThis is the
 * channel jest documents between the two).
 */
export function startTypecheck(): void {
  const child = spawn(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", path.join(ROOT, "tsconfig.json")], { cwd: ROOT });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.on("close", (code) => resolve({ code, output })));
  (globalThis as Record<symbol, Typecheck | undefined>)[KEY] = { done };
}

/** Waits for the type check started by startTypecheck (none started: nothing to wait for); throws with tsc's output when it failed. */
export async function finishTypecheck(): Promise<void> {
  const check = (globalThis as Record<symbol, Typecheck | undefined>)[KEY];
  if (!check) return;
  const { code, output } = await check.done;
  if (code !== 0) throw new Error(`type check failed (tsc --noEmit -p tsconfig.json):\n${output}`);
  process.stdout.write("type check (tsc --noEmit): passed\n");
}
