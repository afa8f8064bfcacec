import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../offline/stackFile";

export const OUTPUTS_SOURCE = path.join(PROJECT_ROOT, "stacks", "outputs.ts");
/** The platform's outputs as an app team reads them, in one file with no imports: copy it into your repository. */
export const VENDORED_TYPES = path.join(PROJECT_ROOT, "examples", "app-team", "platform-outputs.ts");

/**
 * `examples/app-team/platform-outputs.ts` from the `PlatformOutputs` interface of stacks/outputs.ts:
 * the same text with every `pulumi.Output<T>` replaced by `T` (what a StackReference resolves to).
 * tests/app-team-types.test.ts checks the file equals this and, at compile time, the real type.
 */
export function renderVendoredTypes(source = fs.readFileSync(OUTPUTS_SOURCE, "utf8")): string {
  const start = source.indexOf("export interface PlatformOutputs {");
  const end = source.indexOf("\n}\n", start);
  if (start < 0 || end < 0) throw new Error("stacks/outputs.ts has no `export interface PlatformOutputs { ... }`");
  let body = source.slice(start, end + 2);
  // Innermost first, until no Output is left (Output<Record<string, Output<string>>> is not used, but would resolve too).
  for (let prev = ""; prev !== body; ) {
    prev = body;
    body = body.replace(/pulumi\.Output<([^<>]*(?:<[^<>]*>[^<>]*)*)>/g, "$1");
  }
  if (/pulumi\.|import\(/.test(body)) throw new Error("PlatformOutputs refers to pulumi types other than Output<T>; extend renderVendoredTypes");
  return [
    "// Generated from PlatformOutputs in entasis-infra's stacks/outputs.ts by `npm run contract:update`; do not edit.",
    "// The Entasis platform's stack outputs as a StackReference returns them (docs/outputs.md explains each).",
    "// No imports: an app team copies this file into its own repository (examples/app-team/README.md).",
    "",
    body,
    "",
    "/** Names of the platform's outputs. */",
    "export type PlatformOutputName = keyof PlatformOutputs;",
    "",
  ].join("\n");
}
