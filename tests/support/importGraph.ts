import * as fs from "fs";
import * as path from "path";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Folders the scan skips: installed packages and generated caches. */
const SKIPPED = new Set(["node_modules", ".git", ".chart-cache", "coverage", "dist"]);

/** Every .ts file below `root` (relative, with forward slashes), sorted. */
export function tsFiles(root = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name) || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Relative module specifiers of a file: `import ... from`, `import type ... from`, `export ... from`,
 * side-effect `import "x"`, `import("x")` and `require("x")`. Comments are stripped first so a
 * commented-out import does not count.
 */
export function relativeSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^"';]*?\sfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1].startsWith(".")) found.push(m[1]);
  return found;
}

/** Resolves a relative specifier of `from` to a repository .ts file, or undefined when it names none. */
export function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`, base].find((f) => files.has(f));
}

/** file -> the repository files it imports (relative imports only, type-only imports included). */
export function importGraph(root = REPO_ROOT): Map<string, string[]> {
  const files = tsFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = relativeSpecifiers(fs.readFileSync(path.join(root, file), "utf8"))
      .map((s) => resolveImport(file, s, known))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): every import circle, each sorted. */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative over the sorted file list so the result is stable.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(members.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return circles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Imports that run from one top-level folder into another it must not use, as `from -> to`. */
export function forbiddenImports(graph: ReadonlyMap<string, readonly string[]>, fromDir: string, toDir: string): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(`${fromDir}/`)) continue;
    for (const t of targets) if (t.startsWith(`${toDir}/`)) out.push(`${file} -> ${t}`);
  }
  return out.sort();
}
