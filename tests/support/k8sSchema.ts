import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import { RecordedResource } from "../../tools/offline/harness";
import { SHARED_CHARTS_DIR, loadYamlDocuments } from "../../tools/offline/sharedCharts";

/**
 * Schema validation of Kubernetes objects the program creates: built-in kinds against the official
 * OpenAPI schema of their API version (kubernetes-models 4.x), custom kinds against the
 * `openAPIV3Schema` of the CRD that the installed chart ships (../shared/charts/<chart>/crds).
 */
const CRD_FILES = [path.join(SHARED_CHARTS_DIR, "aws-load-balancer-controller", "crds", "crds.yaml"), path.join(SHARED_CHARTS_DIR, "vpa", "crds", "vpa-v1-crd.yaml")];

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: object } }[] };
}

let crdValidators: Map<string, ValidateFunction> | undefined;
function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  if (!crdValidators) {
    // strict off: CRD schemas carry Kubernetes extensions (x-kubernetes-int-or-string, ...).
    const ajv = new Ajv({ strict: false, allErrors: true });
    crdValidators = new Map();
    for (const file of CRD_FILES) {
      for (const doc of loadYamlDocuments(file) as Crd[]) {
        for (const v of doc.spec.versions) {
          if (v.served && v.schema) crdValidators.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
        }
      }
    }
  }
  return crdValidators.get(`${apiVersion}/${kind}`);
}

interface KubernetesModel {
  validate(): void;
}
type ModelClass = new (data: object) => KubernetesModel;

/** Model packages for CRD groups whose schemas are published on npm (kubernetes-models 4.x line). */
const MODEL_PACKAGES: Readonly<Record<string, string>> = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };

/**
 * Kinds whose CRD schema is not available offline (not in ../shared/charts, and fetched files may
 * not be committed). They are listed here, with the test that checks their fields structurally,
 * so that no other kind can slip past the schema check unnoticed.
 */
export const NO_OFFLINE_SCHEMA: Readonly<Record<string, string>> = {
  "elasticsearch.k8s.elastic.co/v1/Elasticsearch": "tests/logging.test.ts checks the fields it sets (not the official ECK schema)",
  "kibana.k8s.elastic.co/v1/Kibana": "tests/logging.test.ts checks the fields it sets (not the official ECK schema)",
};

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
  const crd = crdValidator(apiVersion, kind);
  if (crd) {
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
