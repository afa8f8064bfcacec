import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CHART_CACHE_DIR, cacheProblem } from "../charts/cache";
import { readCrdIndex } from "../charts/crdIndex";

/**
 * The real Chart.yaml / values.yaml (and CRDs) of the charts this platform pins, as `npm run charts`
 * puts them in the git-ignored cache `.charts/` (tools/charts/cache.ts). Read-only reference data:
 * nothing of it is committed here. A missing or stale cache is an error naming the command.
 */
export const CHARTS_DIR = CHART_CACHE_DIR;

/** Throws the one-line "run npm run charts" error when the cache cannot serve the tests. */
export function requireChartCache(): void {
  const problem = cacheProblem();
  if (!problem) return;
  const error = new Error(problem);
  // One line, no trace: the fix is the command it names.
  error.stack = problem;
  throw error;
}

export interface SharedChart {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  /** Subchart names (or aliases): their values are checked against their own charts, not this one. */
  readonly subcharts: readonly string[];
  readonly values: Record<string, unknown>;
}

function loadYaml(file: string): unknown {
  return yaml.load(fs.readFileSync(file, "utf8"));
}

let loaded: SharedChart[] | undefined;

/** Every chart of the cache (read once per process). */
export function sharedCharts(): SharedChart[] {
  requireChartCache();
  loaded ??= fs
    .readdirSync(CHARTS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = path.join(CHARTS_DIR, d.name);
      const meta = loadYaml(path.join(dir, "Chart.yaml")) as { name: string; version: string | number; dependencies?: { name: string; alias?: string }[] };
      return {
        dir,
        name: meta.name,
        version: String(meta.version),
        subcharts: (meta.dependencies ?? []).map((x) => x.alias ?? x.name),
        values: (loadYaml(path.join(dir, "values.yaml")) ?? {}) as Record<string, unknown>,
      };
    });
  return loaded;
}

/**
 * Maps a chart's templates range over (`{{- range $k, $v := .Values.extraArgs }}`), whose
 * values.yaml shows a few defaults and documents the rest in comments: any key is valid there.
 * Add a path only after reading the chart's template that ranges over it.
 */
export const FREE_FORM_VALUES: Readonly<Record<string, readonly string[]>> = {
  // templates/deployment.yaml: range $key, $value := .Values.extraArgs -> --key=value
  "cluster-autoscaler": ["extraArgs"],
  // templates/*-deployment.yaml, startupapicheck-job.yaml: `with .Values.<part>.nodeSelector` -> toYaml.
  // The defaults hold `kubernetes.io/os: linux`, which Helm keeps when a label is added.
  "cert-manager": ["nodeSelector", "webhook.nodeSelector", "cainjector.nodeSelector", "startupapicheck.nodeSelector"],
  // templates/rbac.yaml: `{{- with .Values.jobServiceAccount.annotations }} annotations: {{- toYaml . | nindent 4 }}`.
  // The default holds the helm.sh/resource-policy annotation; the IRSA role annotation joins it.
  "flink-kubernetes-operator": ["jobServiceAccount.annotations"],
  // templates/{controller,server}/*-deployment-pdb.yaml read .pdb.minAvailable / .pdb.maxUnavailable,
  // which values.yaml only shows commented out; the deployments render nodeSelector with toYaml
  // (default `kubernetes.io/os: linux`, which Helm keeps when a label is added).
  "argo-workflows": ["controller.pdb", "server.pdb", "controller.nodeSelector", "server.nodeSelector"],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Paths of `values` that the chart's values.yaml does not have. A default of `{}`, `[]`, null or
 * a scalar placeholder is free-form (maps such as nodeSelector, podAnnotations), so anything
 * below it is accepted; a non-empty default object is a schema the values must follow.
 */
export function unknownValueKeys(values: unknown, defaults: unknown, skipTopLevel: readonly string[] = [], freeForm: readonly string[] = [], prefix = ""): string[] {
  if (!isObject(values) || !isObject(defaults) || Object.keys(defaults).length === 0 || freeForm.includes(prefix)) return [];
  return Object.entries(values).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    if (!prefix && skipTopLevel.includes(k)) return [];
    if (!(k in defaults)) return [p];
    return unknownValueKeys(v, defaults[k], [], freeForm, p);
  });
}

/**
 * `group/Kind` -> which of the given charts install that CRD, from the CRD files of each chart and
 * of its subcharts in ../shared/charts (e.g. eck-operator installs eck-operator-crds').
 */
export function crdOwners(chartNames: readonly string[]): Map<string, string[]> {
  const charts = sharedCharts();
  const index = readCrdIndex();
  const owners = new Map<string, string[]>();
  for (const name of new Set(chartNames)) {
    // An OCI chart is named by its reference (`oci://ghcr.io/kserve/charts/kserve-crd`).
    const chart = charts.find((c) => c.name === name || name.endsWith(`/${c.name}`));
    if (!chart) continue;
    const folders = [chart.dir, ...chart.subcharts.flatMap((s) => charts.filter((c) => c.name === s).map((c) => c.dir))].map((d) => path.basename(d));
    for (const crd of index.filter((e) => folders.includes(e.folder))) {
      const key = `${crd.group}/${crd.kind}`;
      owners.set(key, [...new Set([...(owners.get(key) ?? []), name])]);
    }
  }
  return owners;
}
