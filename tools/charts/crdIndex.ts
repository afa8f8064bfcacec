import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CHART_CACHE_DIR } from "./paths";

/** One CustomResourceDefinition of the cache: where it is and what it defines. */
export interface CrdEntry {
  /** Chart folder in the cache. */
  readonly folder: string;
  /** The YAML file, relative to the cache (`argo-workflows/crds/full/argoproj.io_workflows.yaml`). */
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  /** Argo's schemaless CRDs (`crds/minimal/`), which the chart installs with `crds.full: false`; schemas come from `crds/full/`. */
  readonly minimal: boolean;
}

export const CRD_INDEX = "crd-index.json";

/**
 * Documents of a YAML file (CRDs come several to a file). cloudnative-pg and plugin-barman-cloud
 * wrap their CRD file in `{{- if .Values.crds.create }}` ... `{{- end }}`; lines that are only a
 * template directive are dropped.
 */
export function loadYamlDocuments(file: string): unknown[] {
  const text = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => !/^\s*\{\{.*\}\}\s*$/.test(l))
    .join("\n");
  return yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
}

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFilesUnder(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

interface CrdDocument {
  readonly kind?: string;
  readonly spec?: { readonly group?: string; readonly names?: { readonly kind?: string } };
}

/**
 * Parses every CRD file of the cache once (js-yaml takes seconds for the 25 MB of them), keeps each
 * file's documents as JSON beside it (`<file>.json`) and writes the index of what each defines.
 */
export function buildCrdIndex(cacheDir = CHART_CACHE_DIR): CrdEntry[] {
  const entries: CrdEntry[] = [];
  const folders = fs.readdirSync(cacheDir, { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const folder of folders) {
    for (const file of yamlFilesUnder(path.join(cacheDir, folder.name, "crds"))) {
      const docs = loadYamlDocuments(file);
      fs.writeFileSync(`${file}.json`, JSON.stringify(docs));
      const rel = path.relative(cacheDir, file).split(path.sep).join("/");
      for (const doc of docs as CrdDocument[]) {
        const group = doc.spec?.group;
        const kind = doc.spec?.names?.kind;
        if (doc.kind !== "CustomResourceDefinition" || !group || !kind) continue;
        entries.push({ folder: folder.name, file: rel, group, kind, minimal: rel.includes("/minimal/") });
      }
    }
  }
  fs.writeFileSync(path.join(cacheDir, CRD_INDEX), JSON.stringify(entries, null, 1) + "\n");
  return entries;
}

/** The cache's CRD index (npm run charts writes it). */
export function readCrdIndex(cacheDir = CHART_CACHE_DIR): CrdEntry[] {
  return JSON.parse(fs.readFileSync(path.join(cacheDir, CRD_INDEX), "utf8")) as CrdEntry[];
}

/** The documents of one indexed CRD file, from the JSON kept beside it. */
export function crdDocuments(file: string, cacheDir = CHART_CACHE_DIR): unknown[] {
  return JSON.parse(fs.readFileSync(path.join(cacheDir, `${file}.json`), "utf8")) as unknown[];
}
