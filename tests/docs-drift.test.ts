import * as fs from "fs";
import * as path from "path";
import { RULES } from "../policy/rules";
import { KNOWN_KEYS, NAMESPACE } from "../stacks/schema/stack";
import { OUTPUT_DOCS } from "../stacks/outputDocs";
import { renderOutputsDoc, tableCell } from "../tools/contract/docs";
import { OUTPUTS_DOC } from "../tools/contract/files";
import { MarkdownTable, markdownTables, rowsOffShape, splitRow } from "./support/markdownTables";

const ROOT = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

type PolicyConfig = Record<string, string | { enforcementLevel: string }>;
const policyConfig = (stack: string): PolicyConfig => JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${stack}.json`), "utf8")) as PolicyConfig;
function levelOf(config: PolicyConfig, rule: string): string {
  const v = config[rule] ?? config.all;
  return typeof v === "string" ? v : v.enforcementLevel;
}
/** The code spans of a cell: "`a`, `b` (x)" -> ["a", "b"]. */
const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function tableWith(text: string, header: readonly string[], firstCell?: string): MarkdownTable {
  const found = markdownTables(text).filter((t) => JSON.stringify(t.header) === JSON.stringify(header) && (firstCell === undefined || t.rows.some((r) => r.cells[0] === firstCell)));
  expect(found.length).toBe(1);
  return found[0];
}

describe("the GFM table reader", () => {
  it("splits at bare pipes only, keeps escaped ones (also in code), and ends a table at a blank line", () => {
    expect(splitRow("| `a` | `string \\| null` | x |")).toEqual(["`a`", "`string | null`", "x"]);
    expect(splitRow("| `string | null` |")).toEqual(["`string", "null`"]);
    const tables = markdownTables(["| A | B |", "| --- | --- |", "| 1 | 2 |", "| 3 | `x | y` |", "", "| 5 | 6 |", "```", "| C | D |", "| - | - |", "```"].join("\n"));
    expect(tables.length).toBe(1);
    expect(tables[0].rows.map((r) => r.cells)).toEqual([["1", "2"], ["3", "`x", "y`"]]);
    expect(rowsOffShape(tables[0])).toEqual(["line 4: 3 cells, header has 2"]);
  });

  it("escapes a cell the way the reader reads it back", () => {
    expect(tableCell("`Output<string> | null`\nnext")).toBe("`Output<string> \\| null` next");
    expect(tableCell("already \\| escaped")).toBe("already \\| escaped");
    expect(splitRow(`| ${tableCell("`a | b`")} | c |`)).toEqual(["`a | b`", "c"]);
  });
});

describe("docs/outputs.md", () => {
  it("is the generated page (npm run contract:update)", () => {
    expect(fs.readFileSync(OUTPUTS_DOC, "utf8")).toBe(renderOutputsDoc());
  });

  it("renders as one table on GitHub: every row has the header's 4 cells, one per output, types with `|` intact", () => {
    const tables = markdownTables(fs.readFileSync(OUTPUTS_DOC, "utf8"));
    expect(tables.length).toBe(1);
    const t = tables[0];
    expect(t.header).toEqual(["Output", "Type", "Secret", "Meaning"]);
    expect(rowsOffShape(t)).toEqual([]);
    expect(t.rows.map((r) => r.cells[0])).toEqual(Object.keys(OUTPUT_DOCS).map((k) => `\`${k}\``));
    expect(t.rows.map((r) => r.cells[1])).toEqual(Object.values(OUTPUT_DOCS).map((d) => `\`${d.type}\``));
    // The nullable outputs app teams must handle are the rows a bare pipe used to split.
    expect(Object.values(OUTPUT_DOCS).filter((d) => `${d.type}${d.description}`.includes("|")).length).toBeGreaterThanOrEqual(7);
    expect(t.rows.map((r) => r.cells[3])).toEqual(Object.values(OUTPUT_DOCS).map((d) => d.description));
  });
});

describe("README.md", () => {
  it("has no table with a row off the header's shape", () => {
    const tables = markdownTables(README);
    expect(tables.length).toBeGreaterThanOrEqual(8);
    expect(tables.flatMap(rowsOffShape)).toEqual([]);
  });

  it("lists in its configuration table exactly the config keys the schema accepts, once each, in one table", () => {
    const t = tableWith(README, ["Key", "Meaning"], "`aws:region`");
    const keys = t.rows.map((r) => codeSpans(r.cells[0])[0]);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(keys.filter((k) => k.startsWith(`${NAMESPACE}:`)).sort()).toEqual([...KNOWN_KEYS].map((k) => `${NAMESPACE}:${k}`).sort());
    expect(keys.filter((k) => !k.startsWith(`${NAMESPACE}:`))).toEqual(["aws:region", "entasis-bootstrap:*"]);
  });

  it("names as advisory exactly the rules policy/config/dev.json relaxes, in one row, and prod none", () => {
    const t = tableWith(README, ["Level", "Meaning"]);
    const advisory = t.rows.filter((r) => r.cells[0] === "`advisory`");
    expect(advisory.length).toBe(1);
    const named = codeSpans(advisory[0].cells[1]).filter((s) => RULES.some((r) => r.name === s));
    const dev = policyConfig("dev");
    const relaxed = RULES.map((r) => r.name).filter((n) => levelOf(dev, n) === "advisory");
    expect(relaxed.length).toBe(11);
    expect(named.sort()).toEqual(relaxed.sort());
    expect(RULES.filter((r) => levelOf(policyConfig("prod"), r.name) !== "mandatory").map((r) => r.name)).toEqual([]);
  });

  it("gives every rule of the pack one row in the rules table, with the levels of policy/config", () => {
    const t = tableWith(README, ["Rule", "Control", "dev", "prod", "What it demands"]);
    const rows = t.rows.map((r) => [codeSpans(r.cells[0])[0], r.cells[2], r.cells[3]]);
    expect(rows.map((r) => r[0]).sort()).toEqual(RULES.map((r) => r.name).sort());
    const dev = policyConfig("dev");
    const prod = policyConfig("prod");
    expect(rows.filter(([n, d, p]) => d !== levelOf(dev, n) || p !== levelOf(prod, n))).toEqual([]);
  });
});
