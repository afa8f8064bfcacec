import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../offline/stackFile";

export const CONTRACT_DIR = path.join(PROJECT_ROOT, "contract");
export const OUTPUTS_FILE = path.join(CONTRACT_DIR, "outputs.json");
export const URNS_FILE = path.join(CONTRACT_DIR, "stateful-urns.json");
/** Parent chain, provider and replacing inputs of every stateful resource, per stack (tools/contract/identity.ts). */
export const IDENTITIES_FILE = path.join(CONTRACT_DIR, "stateful-identity.json");
/** Every nested key path of the outputs, per stack (tools/contract/paths.ts). */
export const OUTPUT_PATHS_FILE = path.join(CONTRACT_DIR, "output-paths.json");
export const OUTPUTS_DOC = path.join(PROJECT_ROOT, "docs", "outputs.md");

/** Recorded outputs: per output, whether it is secret. Same for every stack. */
export type RecordedOutputs = Record<string, { readonly secret: boolean }>;
/** Recorded output key paths per stack. */
export type RecordedOutputPaths = Record<string, string[]>;
/** Recorded stateful URNs per stack. */
export type RecordedUrns = Record<string, string[]>;

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
