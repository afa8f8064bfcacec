import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../offline/stackFile";

/** Git-ignored (inside node_modules), like other tools' caches. */
export const CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "entasis-plan");

/** Everything a stack run depends on: the program, the tools that analyse it, the stack files, the locked dependencies. */
const SOURCE_DIRS = ["components", "stacks", "lib", "tools", "bootstrap"];
const ROOT_FILE = /^(Pulumi(\.[\w-]+)?\.yaml|package-lock\.json|index\.ts|tsconfig\.json)$/;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/** A hash over the content of every input of a run: any edit gives a new key, so a cached summary is never stale. */
export function sourceFingerprint(root = PROJECT_ROOT): string {
  const hash = crypto.createHash("sha256");
  const files = [
    ...fs.readdirSync(root).filter((f) => ROOT_FILE.test(f)).sort().map((f) => path.join(root, f)),
    ...SOURCE_DIRS.flatMap((d) => filesUnder(path.join(root, d))),
  ];
  for (const f of files) hash.update(path.relative(root, f)).update("\0").update(fs.readFileSync(f)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

export function readCache<T>(name: string, fingerprint: string, dir = CACHE_DIR): T | undefined {
  const file = path.join(dir, `${name}-${fingerprint}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Writes the entry and drops older entries of the same name. A cache that cannot be written is only slower. */
export function writeCache(name: string, fingerprint: string, value: unknown, dir = CACHE_DIR): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.startsWith(`${name}-`) && f !== `${name}-${fingerprint}.json`) fs.rmSync(path.join(dir, f), { force: true });
    fs.writeFileSync(path.join(dir, `${name}-${fingerprint}.json`), JSON.stringify(value));
  } catch {
    // read-only checkout: plan without the cache
  }
}
