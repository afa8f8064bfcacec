/**
 * Prometheus relabelling as documented (keep, drop, replace; regexes fully anchored; source
 * labels joined with `;`; replace with `$n` groups; defaults regex `(.*)`, replacement `$1`), so
 * tests can run a scrape config's relabel_configs over discovered targets.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
 */
export interface RelabelRule {
  readonly source_labels?: readonly string[];
  readonly action?: string;
  readonly regex?: string;
  readonly replacement?: string;
  readonly target_label?: string;
  readonly separator?: string;
}

export type Labels = Readonly<Record<string, string>>;

/** The target's labels after relabelling, or undefined when it is dropped. */
export function relabel(labels: Labels, rules: readonly RelabelRule[]): Record<string, string> | undefined {
  let current: Record<string, string> = { ...labels };
  for (const rule of rules) {
    const action = rule.action ?? "replace";
    const value = (rule.source_labels ?? []).map((l) => current[l] ?? "").join(rule.separator ?? ";");
    const re = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`);
    const match = re.exec(value);
    if (action === "keep" && !match) return undefined;
    if (action === "drop" && match) return undefined;
    if (action === "replace" && match && rule.target_label) {
      const out = (rule.replacement ?? "$1").replace(/\$(\d+)/g, (_m, n: string) => match[Number(n)] ?? "");
      current = { ...current, [rule.target_label]: out };
    }
    if (!["keep", "drop", "replace"].includes(action)) throw new Error(`relabel action ${action} is not modelled in tests/support/relabel.ts`);
  }
  return current;
}

/** The labels Prometheus keeps on a target: `__address__`, `__metrics_path__` and every label not starting with `__`. */
export function targetOf(labels: Record<string, string> | undefined): { address: string; path: string; labels: Record<string, string> } | undefined {
  if (!labels) return undefined;
  return {
    address: labels.__address__,
    path: labels.__metrics_path__ ?? "/metrics",
    labels: Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith("__"))),
  };
}
