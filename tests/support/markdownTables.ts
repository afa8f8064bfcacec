/**
 * A small reader of GitHub Flavored Markdown tables, enough to prove a document renders as the
 * tables it means (https://github.github.com/gfm/#tables-extension-): a header row, a delimiter
 * row with as many cells, then rows up to the first blank line or line without an unescaped pipe.
 * A pipe preceded by a backslash is text, also inside a code span; a bare one splits the cell.
 */
export interface MarkdownTable {
  /** 1-based line of the header row. */
  readonly line: number;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

const hasUnescapedPipe = (line: string): boolean => /(^|[^\\])\|/.test(line);

/** Cells of one row: outer pipes dropped, split at unescaped pipes, trimmed, `\|` kept as `|`. */
export function splitRow(line: string): string[] {
  let text = line.trim();
  if (text.startsWith("|")) text = text.slice(1);
  if (text.endsWith("|") && !text.endsWith("\\|")) text = text.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\" && text[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (text[i] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += text[i];
  }
  cells.push(cell.trim());
  return cells;
}

const isDelimiterRow = (line: string): boolean => line.includes("-") && splitRow(line).every((c) => /^:?-+:?$/.test(c));

export function markdownTables(text: string): MarkdownTable[] {
  const lines = text.split("\n");
  const tables: MarkdownTable[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(```|~~~)/.test(lines[i])) fenced = !fenced;
    if (fenced || i + 1 >= lines.length || !hasUnescapedPipe(lines[i]) || !isDelimiterRow(lines[i + 1])) continue;
    const header = splitRow(lines[i]);
    // A delimiter row with another cell count makes no table at all.
    if (splitRow(lines[i + 1]).length !== header.length) continue;
    const rows: { line: number; cells: string[] }[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j].trim() !== "" && hasUnescapedPipe(lines[j]); j++) rows.push({ line: j + 1, cells: splitRow(lines[j]) });
    tables.push({ line: i + 1, header, rows });
    i = j - 1;
  }
  return tables;
}

/** Rows whose cell count differs from the header's (GitHub drops the extra cells or leaves holes). */
export function rowsOffShape(t: MarkdownTable): string[] {
  return t.rows.filter((r) => r.cells.length !== t.header.length).map((r) => `line ${r.line}: ${r.cells.length} cells, header has ${t.header.length}`);
}
