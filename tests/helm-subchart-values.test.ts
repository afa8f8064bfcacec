import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { FREE_FORM_VALUES, SharedChart, sharedCharts, unknownValueKeys } from "../tools/offline/sharedCharts";
import { ofType } from "./support/query";
import { recordedRuns } from "./support/runs";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const chartName = (chart: unknown): string => String(chart).split("/").pop() ?? "";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

interface Subchart {
  readonly name: string;
  readonly dir: string;
  readonly values: Record<string, unknown>;
  readonly subcharts: readonly string[];
}

/**
 * A subchart's own Chart.yaml and values.yaml: `<chart>/subcharts/<name>/` (kube-prometheus-stack's
 * grafana, kube-state-metrics, prometheus-node-exporter), or a chart of its own in the same
 * collection (eck-operator's eck-operator-crds). Undefined when neither exists.
 */
function loadSubchart(parent: SharedChart, alias: string, all: readonly SharedChart[]): Subchart | undefined {
  const dirs = [path.join(parent.dir, "subcharts", alias), ...all.filter((c) => c.name === alias).map((c) => c.dir)];
  const dir = dirs.find((d) => fs.existsSync(path.join(d, "values.yaml")));
  if (!dir) return undefined;
  const meta = yaml.load(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as { name: string; dependencies?: { name: string; alias?: string }[] };
  const values = yaml.load(fs.readFileSync(path.join(dir, "values.yaml"), "utf8"));
  return { name: meta.name, dir, values: isObject(values) ? values : {}, subcharts: (meta.dependencies ?? []).map((d) => d.alias ?? d.name) };
}

/** Defaults the parent adds for its subchart (its templates read e.g. `.Values.grafana.defaultDashboardsEnabled`) over the subchart's own. */
function merged(a: unknown, b: unknown): unknown {
  if (!isObject(a) || !isObject(b)) return b ?? a;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? merged(out[k], v) : v;
  return out;
}

/** `release/subchart: unknown keys`, for every subchart a release sets values of. */
function subchartFindings(releaseValues: unknown, parent: SharedChart, all: readonly SharedChart[]): { subchart: string; unknown: string[] }[] {
  if (!isObject(releaseValues)) return [];
  return parent.subcharts
    .filter((alias) => isObject(releaseValues[alias]))
    .map((alias) => {
      const sub = loadSubchart(parent, alias, all);
      if (!sub) {
        // No copy of the subchart (kube-prometheus-stack's local `crds`): only what the parent's own
        // section for it defines (e.g. the `crds.enabled` condition) is accepted; anything else fails.
        const unknown = unknownValueKeys(releaseValues[alias], isObject(parent.values[alias]) ? parent.values[alias] : { "(none)": true });
        return { subchart: alias, unknown: unknown.map((k) => `${k} (not in ${parent.name}'s ${alias} section, and no values.yaml of subchart ${alias} under ${path.join(parent.dir, "subcharts")})`) };
      }
      const defaults = merged(parent.values[alias], sub.values);
      return { subchart: alias, unknown: unknownValueKeys(releaseValues[alias], defaults, sub.subcharts, FREE_FORM_VALUES[sub.name] ?? []) };
    });
}

const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"])("subchart values of the Helm releases of %s", (stack) => {
  it("set only keys the subchart's own values.yaml (or the parent's section for it) has", () => {
    const all = sharedCharts();
    const checked: string[] = [];
    for (const r of ofType(runs[stack], RELEASE)) {
      const parent = all.find((c) => c.name === chartName(r.inputs.chart));
      if (!parent) continue; // tests/helm-values.test.ts reports a chart that is not there
      for (const f of subchartFindings(r.inputs.values, parent, all)) {
        checked.push(`${r.name}/${f.subchart}`);
        expect({ release: r.name, subchart: f.subchart, unknown: f.unknown }).toEqual({ release: r.name, subchart: f.subchart, unknown: [] });
      }
    }
    // kube-prometheus-stack configures three of its subcharts; each was checked.
    expect(checked.filter((c) => c.startsWith("monitoring-")).sort()).toEqual([
      "monitoring-kube-prometheus-stack/crds",
      "monitoring-kube-prometheus-stack/grafana",
      "monitoring-kube-prometheus-stack/kube-state-metrics",
      "monitoring-kube-prometheus-stack/prometheus-node-exporter",
    ]);
  });
});

describe("the subchart check itself", () => {
  const kps = (): { values: Record<string, unknown>; parent: SharedChart; all: SharedChart[] } => {
    const all = sharedCharts();
    const parent = all.find((c) => c.name === "kube-prometheus-stack");
    const release = ofType(runs.prod, RELEASE).find((r) => chartName(r.inputs.chart) === "kube-prometheus-stack");
    if (!parent || !release || !isObject(release.inputs.values)) throw new Error("no kube-prometheus-stack release or chart");
    return { values: JSON.parse(JSON.stringify(release.inputs.values)) as Record<string, unknown>, parent, all };
  };

  it("fails a misspelt kube-state-metrics value (the node-pool-near-max alert needs metricLabelsAllowlist)", () => {
    const { values, parent, all } = kps();
    const ksm = values["kube-state-metrics"] as Record<string, unknown>;
    expect(ksm.metricLabelsAllowlist).toEqual(["nodes=[role]"]);
    ksm.metricLabelsAllowList = ksm.metricLabelsAllowlist;
    delete ksm.metricLabelsAllowlist;
    expect(subchartFindings(values, parent, all).find((f) => f.subchart === "kube-state-metrics")?.unknown).toEqual(["metricLabelsAllowList"]);
  });

  it("fails misspelt grafana and node-exporter values, and accepts a key the parent defines for its subchart", () => {
    const { values, parent, all } = kps();
    (values.grafana as Record<string, unknown>).adminPasswd = "x";
    (values["prometheus-node-exporter"] as Record<string, unknown>).toleration = [];
    (values.grafana as Record<string, unknown>).defaultDashboardsEnabled = true;
    const found = subchartFindings(values, parent, all);
    expect(found.map((f) => [f.subchart, f.unknown])).toEqual([
      ["crds", []],
      ["kube-state-metrics", []],
      ["prometheus-node-exporter", ["toleration"]],
      ["grafana", ["adminPasswd"]],
    ]);
  });

  it("checks a subchart without a copy against the parent's section for it, never skipping it", () => {
    const { parent, all } = kps();
    const found = subchartFindings({ crds: { enabled: true, upgradeJob: { enabled: false }, upgradeJb: { enabled: true } } }, parent, all);
    expect(found.map((f) => f.subchart)).toEqual(["crds"]);
    expect(found[0].unknown).toEqual([expect.stringMatching(/^upgradeJb \(not in kube-prometheus-stack's crds section, and no values\.yaml of subchart crds under /)]);
    expect(subchartFindings({ crds: { enabled: false } }, parent, all)).toEqual([{ subchart: "crds", unknown: [] }]);
  });
});
