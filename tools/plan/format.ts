/** Longest line the plan prints: longer ones are wrapped (GitHub Actions logs and terminals stay readable). */
export const MAX_WIDTH = 200;

/**
 * Wraps one line at spaces to at most `width` characters; continuation lines start at `indent`
 * (default: the line's own indentation plus four). A word longer than the room left is cut.
 */
export function wrapLine(line: string, width = MAX_WIDTH, indent?: number): string[] {
  if (line.length <= width) return [line];
  const lead = indent ?? Math.min((/^ */.exec(line)?.[0].length ?? 0) + 4, 40);
  const pad = " ".repeat(lead);
  const out: string[] = [];
  let rest = line;
  let prefix = "";
  while (prefix.length + rest.length > width) {
    const room = width - prefix.length;
    let cut = rest.lastIndexOf(" ", room);
    if (cut <= room / 3) cut = room;
    out.push((prefix + rest.slice(0, cut)).trimEnd());
    rest = rest.slice(cut).trimStart();
    prefix = pad;
  }
  if (rest.length > 0) out.push(prefix + rest);
  return out;
}

/** Every line of `lines` wrapped to MAX_WIDTH. */
export function fitWidth(lines: readonly string[], width = MAX_WIDTH): string[] {
  return lines.flatMap((l) => l.split("\n")).flatMap((l) => wrapLine(l, width));
}

/** A plain-text table; an over-long row wraps its last column under itself. */
export function table(rows: readonly (readonly string[])[], header: readonly string[], width = MAX_WIDTH): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const lastStart = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  const line = (cells: readonly string[]): string[] => {
    const text = cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
    return wrapLine(text, width, lastStart <= width - 60 ? lastStart : undefined);
  };
  const dashes = widths.map((w, i) => "-".repeat(i === widths.length - 1 ? Math.min(w, Math.max(header[i].length, width - lastStart)) : w));
  return [...line(header), ...line(dashes), ...rows.flatMap(line)];
}

export function section(title: string): string[] {
  return ["", title, "=".repeat(title.length)];
}

export const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const usdRange = (min: number, max: number): string => (Math.abs(max - min) < 0.005 ? usd(min) : `${usd(min)} .. ${usd(max)}`);
export const mmss = (s: number): string => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
