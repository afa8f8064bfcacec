import * as fs from "fs";
import * as path from "path";
import { KNOWN_KEYS, SECRET_KEYS } from "../stacks/schema/stack";
import { REPO_ROOT, forbiddenImports, importCircles, importGraph, relativeSpecifiers, resolveImport, tsFiles } from "./support/importGraph";

// Scans every .ts file of the repository (relative imports, type-only imports included): the
// layering README.md "Layout" describes, checked on the real tree.
const graph = importGraph(REPO_ROOT);

describe("architecture: imports", () => {
  it("scans the whole tree: components, stacks, lib, policy, tools, tests and examples", () => {
    const files = tsFiles(REPO_ROOT);
    expect(files.length).toBe(graph.size);
    for (const dir of ["components/", "stacks/", "lib/", "policy/", "tools/", "tests/", "examples/", "bootstrap/"]) {
      expect(files.filter((f) => f.startsWith(dir)).length).toBeGreaterThan(0);
    }
    expect(files).not.toContainEqual(expect.stringMatching(/node_modules/));
    // The graph holds real edges, e.g. the program entry wires the composition.
    expect(graph.get("stacks/program.ts")).toContain("stacks/platform.ts");
  });

  it("no file under components/ imports from stacks/ (components own their types)", () => {
    expect(forbiddenImports(graph, "components", "stacks")).toEqual([]);
  });

  it("no file under lib/ imports from components/ or stacks/", () => {
    expect([...forbiddenImports(graph, "lib", "components"), ...forbiddenImports(graph, "lib", "stacks")]).toEqual([]);
  });

  it("has no import circle (each one named, file by file)", () => {
    expect(importCircles(graph).map((c) => c.join(" <-> "))).toEqual([]);
  });
});

describe("architecture: the scanner itself", () => {
  it("reads every import form, type-only and dynamic ones included, and skips comments", () => {
    const source = [
      'import * as a from "./a";',
      'import type { B } from "../b";',
      'import {\n  C,\n  D,\n} from "./c";',
      'export { E } from "./e";',
      'export type { F } from "./f";',
      'import "./side";',
      'const g = await import("./g");',
      'const h = require("./h");',
      'import * as pulumi from "@pulumi/pulumi";',
      '// import { X } from "./commented";',
      '/* import { Y } from "./blocked"; */',
    ].join("\n");
    expect(relativeSpecifiers(source).sort()).toEqual(["../b", "./a", "./c", "./e", "./f", "./g", "./h", "./side"]);
  });

  it("resolves a specifier to a file or a folder's index", () => {
    const files = new Set(["stacks/schema/stack.ts", "lib/index.ts"]);
    expect(resolveImport("stacks/edge.ts", "./schema/stack", files)).toBe("stacks/schema/stack.ts");
    expect(resolveImport("components/x/y.ts", "../../lib", files)).toBe("lib/index.ts");
    expect(resolveImport("stacks/edge.ts", "./missing", files)).toBeUndefined();
  });

  it("finds and names circles of any length, and only those", () => {
    const g = new Map<string, string[]>([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
      ["f.ts", ["d.ts"]],
    ]);
    expect(importCircles(g)).toEqual([["a.ts", "b.ts", "c.ts"], ["e.ts"]]);
  });

  it("names each forbidden import as from -> to", () => {
    const g = new Map<string, string[]>([
      ["components/x/y.ts", ["stacks/schema/x.ts", "lib/z.ts"]],
      ["stacks/x.ts", ["components/x/y.ts"]],
    ]);
    expect(forbiddenImports(g, "components", "stacks")).toEqual(["components/x/y.ts -> stacks/schema/x.ts"]);
  });
});

describe("architecture: README's Layout table matches the tree", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const block = readme.slice(readme.indexOf("<!-- layout:begin -->"), readme.indexOf("<!-- layout:end -->"));
  const rows = block
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| area") && !l.startsWith("| ---"))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  /** Paths a cell names: `a.ts, b/` -> [a.ts, b/]; `-` and parenthesised notes name none. */
  const paths = (cell: string): string[] => cell.replace(/\([^)]*\)/g, "").split(",").map((p) => p.trim()).filter((p) => p !== "" && p !== "-");
  const areaKeys = [...KNOWN_KEYS].filter((k) => !["environment", "tags", "mode"].includes(k) && !(k in SECRET_KEYS));

  it("has one row per area key of a stack file", () => {
    expect(rows.length).toBe(areaKeys.length);
    expect(rows.map((r) => r[0]).sort()).toEqual([...areaKeys].sort());
  });

  it("names only files and folders that exist, in the layer its column says", () => {
    const dirs = ["components", "stacks/schema", "stacks", "policy/rules"];
    let checked = 0;
    for (const row of rows) {
      dirs.forEach((dir, i) => {
        for (const p of paths(row[i + 1])) {
          expect([row[0], `${dir}/${p}`, fs.existsSync(path.join(REPO_ROOT, dir, p))]).toEqual([row[0], `${dir}/${p}`, true]);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("places every components/ folder in an area", () => {
    const folders = fs.readdirSync(path.join(REPO_ROOT, "components"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${d.name}/`);
    const named = new Set(rows.flatMap((r) => paths(r[1])));
    expect(folders.filter((f) => !named.has(f))).toEqual([]);
  });
});
