/**
 * `npm run charts [-- --mirror DIR] [--offline]`: fills `.charts/` with the values, schemas and CRDs
 * of every chart pinned in lib/helmCharts.ts, from a mirror (default ../shared/charts when it exists)
 * or from each chart's Helm repository (HTTP or OCI).
 */
import * as path from "path";
import { fillCache } from "./cache";

function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mirror = argValue(args, "--mirror");
  const done = await fillCache({ mirror: mirror ? path.resolve(mirror) : undefined, offline: args.includes("--offline"), log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`chart cache: ${done.length} charts\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
