import Ajv, { ValidateFunction } from "ajv";
import { RecordedResource } from "../../tools/offline/harness";
import { crdDocuments, readCrdIndex } from "../../tools/charts/crdIndex";

/**
 * Schema validation of Kubernetes objects the program creates: built-in kinds against the official
 * OpenAPI schema of their API version (kubernetes-models 4.x), custom kinds against the
 * `openAPIV3Schema` of the CRD that the installed chart ships (the chart cache (.charts/)/<chart>/crds).
 */
interface Crd {
  kind?: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: object } }[] };
}

/** API group -> CRD files (of the chart cache) that define it, from the cache's CRD index. */
let filesByGroup: Map<string, string[]> | undefined;
const crdSchemas = new Map<string, object>();
const parsedFiles = new Set<string>();
// strict off: CRD schemas carry Kubernetes extensions (x-kubernetes-int-or-string, ...). OpenAPI's
// numeric and byte formats are not JSON Schema formats: known to ajv (no warning per field), the
// type keyword next to them still checks the value.
const OPENAPI_FORMATS = ["int32", "int64", "float", "double", "byte", "date-time", "duration", "quantity"];
const ajv = new Ajv({ strict: false, allErrors: true, formats: Object.fromEntries(OPENAPI_FORMATS.map((f) => [f, true])) });

function crdSchema(apiVersion: string, kind: string): object | undefined {
  const group = apiVersion.split("/")[0];
  if (group in MODEL_PACKAGES) return undefined;
  if (!filesByGroup) {
    filesByGroup = new Map();
    // Argo's minimal CRDs carry no schema; the full ones (crds/full/) do.
    for (const e of readCrdIndex().filter((x) => !x.minimal)) filesByGroup.set(e.group, [...new Set([...(filesByGroup.get(e.group) ?? []), e.file])]);
  }
  for (const file of filesByGroup.get(group) ?? []) {
    if (parsedFiles.has(file)) continue;
    parsedFiles.add(file);
    for (const doc of crdDocuments(file) as (Crd | null)[]) {
      if (!doc || doc.kind !== "CustomResourceDefinition") continue;
      for (const v of doc.spec.versions) {
        if (v.served && v.schema) crdSchemas.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return crdSchemas.get(`${apiVersion}/${kind}`);
}

/** Which keys (and array items) an object has at every depth, merged over all values given. */
interface Shape {
  readonly props: ReadonlyMap<string, Shape>;
  readonly items?: Shape;
}
function shapeOf(values: readonly unknown[]): Shape {
  const props = new Map<string, unknown[]>();
  const items: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) items.push(...(v as unknown[]));
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) props.set(k, [...(props.get(k) ?? []), x]);
  }
  return { props: new Map([...props].map(([k, xs]) => [k, shapeOf(xs)])), items: items.length > 0 ? shapeOf(items) : undefined };
}

/**
 * The CRD schema cut down to the properties the object actually has (`required`, types, enums,
 * formats and free-form maps kept as they are). Validating an object against it gives exactly the
 * errors the full schema gives, since a property the object lacks can only fail through `required`,
 * which stays. Compiling a full schema of KServe's InferenceService (2 MB) or Argo's WorkflowTemplate
 * (2.5 MB) takes minutes; the cut-down one takes milliseconds.
 */
function specialize(schema: unknown, shape: Shape | undefined): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...s };
  const props = s.properties;
  if (typeof props === "object" && props !== null) {
    out.properties = Object.fromEntries(Object.entries(props).filter(([k]) => shape?.props.has(k)).map(([k, sub]) => [k, specialize(sub, shape?.props.get(k))]));
  }
  if (s.items !== undefined) out.items = specialize(s.items, shape?.items);
  for (const combinator of ["allOf", "anyOf", "oneOf"]) {
    const list = s[combinator];
    if (Array.isArray(list)) out[combinator] = list.map((sub: unknown) => specialize(sub, shape));
  }
  return out;
}

interface KubernetesModel {
  validate(): void;
}
type ModelClass = new (data: object) => KubernetesModel;

/** Model packages for CRD groups whose schemas are published on npm (kubernetes-models 4.x line). */
const MODEL_PACKAGES: Readonly<Record<string, string>> = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };

/**
 * Kinds whose CRD schema is not available offline (not in the chart cache (.charts/), and fetched files may
 * not be committed). They are listed here, with the test that checks their fields structurally,
 * so that no other kind can slip past the schema check unnoticed.
 */
export const NO_OFFLINE_SCHEMA: Readonly<Record<string, string>> = {};

export function hasOfflineSchema(obj: Record<string, unknown>): boolean {
  return !(`${String(obj.apiVersion)}/${String(obj.kind)}` in NO_OFFLINE_SCHEMA);
}

function builtinModel(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const modulePath = group === "" ? `kubernetes-models/${version}` : `${MODEL_PACKAGES[group] ?? "kubernetes-models"}/${group}/${version}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as Record<string, ModelClass | undefined>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

/** The object as it would reach the API server: apiVersion, kind, metadata and the rest of the inputs. */
export function manifestOf(r: RecordedResource): Record<string, unknown> {
  return { ...r.inputs };
}

/** Schema errors of one object (empty when valid); throws when no schema is known for its kind. */
export function schemaErrors(obj: Record<string, unknown>): string[] {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const schema = crdSchema(apiVersion, kind);
  if (schema) {
    const crd: ValidateFunction = ajv.compile(specialize(schema, shapeOf([obj])) as object);
    return crd(obj) ? [] : (crd.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  }
  const Model = builtinModel(apiVersion, kind);
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}: add its CRD file to tests/support/k8sSchema.ts`);
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [String(e instanceof Error ? e.message : e)];
  }
}

/** Kubernetes objects of a run: every `kubernetes:*` resource except Helm releases (validated by tests/helm-values.test.ts). */
export function kubernetesObjects(resources: readonly RecordedResource[]): RecordedResource[] {
  return resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release");
}
