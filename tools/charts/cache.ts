import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CHARTS, ChartPin } from "../../lib/helmCharts";
import { CacheFile, extractChart, folderOf, foldersOf } from "./extract";
import { Fetch, downloadChart, downloadSources } from "./repository";
import { readTar } from "./tar";

import { CRD_INDEX, buildCrdIndex } from "./crdIndex";
import { CHART_CACHE_DIR, DEFAULT_MIRROR_DIR, FETCH_COMMAND, PROJECT_DIR as ROOT } from "./paths";

export { CHART_CACHE_DIR, DEFAULT_MIRROR_DIR, FETCH_COMMAND };
const MANIFEST = "pins.json";

/** One cache entry: which pin filled which folders, from where. */
export interface CachedPin {
  readonly chart: string;
  readonly version: string;
  readonly folders: readonly string[];
  readonly source: string;
}

export const ALL_PINS: readonly ChartPin[] = Object.values(CHARTS);

function chartYamlVersion(file: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  const meta = yaml.load(fs.readFileSync(file, "utf8")) as { version?: unknown } | undefined;
  return meta?.version === undefined ? undefined : String(meta.version);
}

function filesUnder(dir: string, rel = ""): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
}

/**
 * The pin's files from a mirror laid out like the cache, when the mirror holds that chart at the
 * pinned version (its Chart.yaml says so); undefined otherwise.
 */
export function fromMirror(pin: ChartPin, mirror: string): CacheFile[] | undefined {
  const folders = foldersOf(pin);
  if (chartYamlVersion(path.join(mirror, folderOf(pin), "Chart.yaml")) !== pin.version) return undefined;
  if (folders.some((f) => !fs.existsSync(path.join(mirror, f, "Chart.yaml")))) return undefined;
  const wanted = (rel: string): boolean => /^(Chart\.yaml|values\.yaml|values\.schema\.json)$/.test(rel) || /^(crds|subcharts)[/\\]/.test(rel);
  return folders.flatMap((f) => filesUnder(path.join(mirror, f)).filter(wanted).map((rel) => ({ path: `${f}/${rel.split(path.sep).join("/")}`, data: fs.readFileSync(path.join(mirror, f, rel)) })));
}

/** The pin's files from its Helm repository (and the sources its package leaves out). */
export async function fromRepository(pin: ChartPin, fetchImpl: Fetch): Promise<CacheFile[]> {
  const files = extractChart(pin, readTar(await downloadChart(pin, fetchImpl)));
  const sources = await downloadSources(pin, fetchImpl);
  return [...files, ...[...sources].map(([p, data]) => ({ path: `${folderOf(pin)}/${p}`, data }))];
}

export interface FillOptions {
  readonly cacheDir?: string;
  /** Mirror to read first; default `../shared/charts` when it exists. */
  readonly mirror?: string;
  /** Never download (a mirror miss is an error). Default false. */
  readonly offline?: boolean;
  readonly fetchImpl?: Fetch;
  readonly pins?: readonly ChartPin[];
  readonly log?: (line: string) => void;
}

/** Fills the cache with every pin: from the mirror where it has the pinned version, else from the repository. */
export async function fillCache(opts: FillOptions = {}): Promise<CachedPin[]> {
  const cacheDir = opts.cacheDir ?? CHART_CACHE_DIR;
  const mirror = opts.mirror ?? (fs.existsSync(DEFAULT_MIRROR_DIR) ? DEFAULT_MIRROR_DIR : undefined);
  const log = opts.log ?? ((): void => undefined);
  const done: CachedPin[] = [];
  const failures: string[] = [];
  for (const pin of opts.pins ?? ALL_PINS) {
    try {
      const mirrored = mirror ? fromMirror(pin, mirror) : undefined;
      if (!mirrored && opts.offline) throw new Error(`not in the mirror ${mirror ?? "(none)"} at ${pin.version}, and downloads are off`);
      const files = mirrored ?? (await fromRepository(pin, opts.fetchImpl ?? fetch));
      const folders = foldersOf(pin);
      for (const f of folders) fs.rmSync(path.join(cacheDir, f), { recursive: true, force: true });
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(cacheDir, f.path)), { recursive: true });
        fs.writeFileSync(path.join(cacheDir, f.path), f.data);
      }
      const source = mirrored ? `mirror ${mirror}` : pin.repo;
      done.push({ chart: pin.chart, version: pin.version, folders, source });
      log(`${pin.chart} ${pin.version}: ${files.length} files from ${source}`);
    } catch (e) {
      failures.push(`${pin.chart} ${pin.version} (${pin.repo}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  buildCrdIndex(cacheDir);
  fs.writeFileSync(path.join(cacheDir, MANIFEST), JSON.stringify(done, null, 2) + "\n");
  if (failures.length > 0) throw new Error(`could not fetch ${failures.length} chart(s):\n  ${failures.join("\n  ")}`);
  return done;
}

/** Pins the cache lacks or holds at another version (empty when the cache is complete). */
export function missingPins(cacheDir = CHART_CACHE_DIR, pins: readonly ChartPin[] = ALL_PINS): string[] {
  const file = path.join(cacheDir, MANIFEST);
  const cached: CachedPin[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as CachedPin[]) : [];
  return pins
    .filter((pin) => {
      const entry = cached.find((c) => c.chart === pin.chart && c.version === pin.version);
      return !entry || foldersOf(pin).some((f) => chartYamlVersion(path.join(cacheDir, f, "Chart.yaml")) === undefined);
    })
    .map((pin) => `${pin.chart} ${pin.version}`);
}

/** One line for a cache that cannot serve the tests, or undefined when it can. */
export function cacheProblem(cacheDir = CHART_CACHE_DIR, pins: readonly ChartPin[] = ALL_PINS): string | undefined {
  const missing = [...missingPins(cacheDir, pins), ...(fs.existsSync(path.join(cacheDir, CRD_INDEX)) ? [] : ["its CRD index"])];
  if (missing.length === 0) return undefined;
  const shown = missing.length > 3 ? `${missing.slice(0, 3).join(", ")} and ${missing.length - 3} more` : missing.join(", ");
  return `chart cache ${path.relative(ROOT, cacheDir) || cacheDir}/ lacks ${shown}: run \`${FETCH_COMMAND}\` (copies ../shared/charts when present, else downloads from the charts' Helm repositories)`;
}
