import { ChartFiles, ChartPin } from "../../lib/helmCharts";
import { TarEntry, readTar } from "./tar";

/** A file of the chart cache: path inside `.charts/` and its bytes. */
export interface CacheFile {
  readonly path: string;
  readonly data: Buffer;
}

/** The cache folder of a pin (`istio-base` for chart `base`, otherwise the chart name). */
export function folderOf(pin: ChartPin): string {
  return pin.files?.folder ?? pin.chart;
}

/** Every cache folder a pin fills: its own and those of the subcharts kept as charts of their own. */
export function foldersOf(pin: ChartPin): string[] {
  return [folderOf(pin), ...(pin.files?.ownSubcharts ?? []).map((s) => s.name)];
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
}

const base = (p: string): string => p.split("/").pop() ?? p;

/**
 * The package's files below its top folder (`<chart>/templates/x.yaml` -> `templates/x.yaml`).
 * Dependencies from a repository are packaged as archives (`charts/grafana-12.11.1.tgz`, whose top
 * folder is `grafana/`): they are opened in place as `charts/grafana/...`.
 */
function underRoot(entries: readonly TarEntry[], chart: string): Map<string, Buffer> {
  const root = `${chart}/`;
  const files = new Map<string, Buffer>();
  for (const e of entries) {
    if (!e.path.startsWith(root)) continue;
    const rel = e.path.slice(root.length);
    if (/^charts\/[^/]+\.tgz$/.test(rel)) for (const inner of readTar(e.data)) files.set(`charts/${inner.path}`, inner.data);
    else files.set(rel, e.data);
  }
  return files;
}

function pick(files: ReadonlyMap<string, Buffer>, prefix: string, crds: ChartFiles["crds"], into: string): CacheFile[] {
  const out: CacheFile[] = [];
  for (const name of ["Chart.yaml", "values.yaml", "values.schema.json"]) {
    const data = files.get(`${prefix}${name}`);
    if (data) out.push({ path: `${into}/${name}`, data });
  }
  for (const spec of crds ?? ["crds/*"]) {
    const { from, to } = typeof spec === "string" ? { from: spec, to: "crds" } : spec;
    const re = globToRegExp(`${prefix}${from}`);
    for (const [p, data] of files) if (re.test(p) && /\.ya?ml$/.test(p)) out.push({ path: `${into}/${to}/${base(p)}`, data });
  }
  return out;
}

/**
 * What the tests read of one packaged chart (the entries of its .tgz), laid out as the cache keeps
 * it: `<folder>/Chart.yaml`, `values.yaml`, `values.schema.json`, `crds/...`, `subcharts/<name>/...`,
 * and one folder per subchart kept as a chart of its own. Fails when Chart.yaml is not the pin's.
 */
export function extractChart(pin: ChartPin, entries: readonly TarEntry[]): CacheFile[] {
  const files = underRoot(entries, pin.chart);
  const chartYaml = files.get("Chart.yaml")?.toString("utf8") ?? "";
  const version = /^version:\s*["']?([^"'\s]+)/m.exec(chartYaml)?.[1];
  if (version !== pin.version) throw new Error(`${pin.chart}: the package's Chart.yaml says version ${version ?? "(none)"}, the pin says ${pin.version}`);
  const folder = folderOf(pin);
  const out = pick(files, "", pin.files?.crds, folder);
  for (const sub of pin.files?.subcharts ?? []) {
    const got = pick(files, `charts/${sub}/`, [], `${folder}/subcharts/${sub}`);
    if (!got.some((f) => f.path.endsWith("/values.yaml"))) throw new Error(`${pin.chart} ${pin.version}: the package has no subchart charts/${sub}/values.yaml`);
    out.push(...got);
  }
  for (const sub of pin.files?.ownSubcharts ?? []) {
    const got = pick(files, `charts/${sub.name}/`, sub.crds, sub.name);
    if (!got.some((f) => f.path.endsWith("/Chart.yaml"))) throw new Error(`${pin.chart} ${pin.version}: the package has no subchart charts/${sub.name}/`);
    out.push(...got);
  }
  return out;
}
