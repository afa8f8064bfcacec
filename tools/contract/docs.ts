import { OUTPUT_DOCS, OutputDoc } from "../../stacks/outputDocs";

/**
 * Text for one GFM table cell: `|` escaped as `\|` (also inside code spans, where GitHub still
 * splits on a bare pipe: https://github.github.com/gfm/#tables-extension-), line breaks as spaces.
 */
export function tableCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\\?\|/g, "\\|");
}

/** docs/outputs.md, generated from OUTPUT_DOCS so the docs and the outputs cannot drift apart. */
export function renderOutputsDoc(docs: Readonly<Record<string, OutputDoc>> = OUTPUT_DOCS): string {
  const rows = Object.entries(docs).map(([name, d]) => `| ${tableCell(`\`${name}\``)} | ${tableCell(`\`${d.type}\``)} | ${d.secret ? "yes" : "no"} | ${tableCell(d.description)} |`);
  return [
    "# Stack outputs",
    "",
    "The contract app teams build on: read them with a `StackReference` (see `examples/app-team/`).",
    "Generated from `OUTPUT_DOCS` in `stacks/outputDocs.ts` by `npm run contract:update`; do not edit by hand.",
    "An output is never removed or renamed without a migration; `tests/contract.test.ts` enforces it.",
    "",
    "| Output | Type | Secret | Meaning |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
