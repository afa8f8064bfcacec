import { deepMerge } from "../../lib/merge";
import { RecordedResource } from "../offline/harness";
import { ResourceIndex, boolOf, field, listOf, numOf, strOf } from "./model";
import { RELEASE } from "./pools";

/**
 * Every PodDisruptionBudget the platform creates or configures, and how many evictions it admits
 * with the pods that run at the pools' minimum. A budget that admits none blocks every node drain:
 * a managed node group update then ends in PodEvictionFailure after 15 minutes.
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html
 */
export interface DisruptionBudget {
  /** `<resource>` or `<release>:<values path>` or `<cluster>:primary`. */
  readonly name: string;
  readonly source: "PodDisruptionBudget" | "Helm values" | "CloudNativePG" | "ECK";
  readonly pods: number;
  readonly rule: string;
  /** Evictions the budget admits at once, all pods ready. */
  readonly allowed: number;
  /** When the budget itself admits none: what moves the pod instead (e.g. CNPG's switchover). */
  readonly handoff?: string;
}

const ZERO_HANDOFF_OK = (b: DisruptionBudget): boolean => b.allowed >= 1 || b.handoff !== undefined;

export function blocking(budgets: readonly DisruptionBudget[]): DisruptionBudget[] {
  return budgets.filter((b) => !ZERO_HANDOFF_OK(b));
}

/** `minAvailable` / `maxUnavailable` (integer or percentage) against `pods`. */
export function allowedEvictions(pods: number, minAvailable: unknown, maxUnavailable: unknown): { allowed: number; rule: string } {
  const resolve = (v: unknown, roundUp: boolean): number | undefined => {
    if (typeof v === "number") return v;
    if (typeof v === "string" && /^\d+%$/.test(v)) {
      const x = (pods * Number(v.slice(0, -1))) / 100;
      return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
    return undefined;
  };
  // Kubernetes rounds a percentage up for both fields. https://kubernetes.io/docs/tasks/run-application/configure-pdb/#rounding-logic-when-specifying-percentages
  const max = resolve(maxUnavailable, true);
  if (max !== undefined) return { allowed: Math.max(0, Math.min(max, pods)), rule: `maxUnavailable ${String(maxUnavailable)}` };
  const min = resolve(minAvailable, true);
  if (min !== undefined) return { allowed: Math.max(0, pods - min), rule: `minAvailable ${String(minAvailable)}` };
  return { allowed: pods, rule: "no bound" };
}

/** Pods a Deployment runs at minimum: its HPA's minReplicas when one targets it, else its replicas. */
function podsOfDeployment(idx: ResourceIndex, d: RecordedResource): number {
  const name = strOf(field(d.inputs, "metadata"), "name");
  const hpa = idx.resources.find((r) => r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler") && strOf(field(field(r.inputs, "spec"), "scaleTargetRef"), "name") === name);
  return numOf(field(hpa?.inputs, "spec"), "minReplicas") ?? numOf(field(d.inputs, "spec"), "replicas") ?? 1;
}

function matches(selector: unknown, labels: unknown): boolean {
  const want = field(selector, "matchLabels");
  if (typeof want !== "object" || want === null) return false;
  return Object.entries(want).every(([k, v]) => strOf(labels, k) === v);
}

/** The pods a PodDisruptionBudget object selects, from the Deployments and InferenceServices of its namespace. */
function podsSelected(idx: ResourceIndex, pdb: RecordedResource): number | undefined {
  const ns = strOf(field(pdb.inputs, "metadata"), "namespace");
  const selector = field(field(pdb.inputs, "spec"), "selector");
  for (const r of idx.resources) {
    if (strOf(field(r.inputs, "metadata"), "namespace") !== ns) continue;
    if (r.type === "kubernetes:apps/v1:Deployment" && matches(selector, field(field(field(field(r.inputs, "spec"), "template"), "metadata"), "labels"))) return podsOfDeployment(idx, r);
    if (r.type.endsWith(":InferenceService")) {
      // KServe labels predictor pods with serving.kserve.io/inferenceservice=<name>.
      const name = strOf(field(r.inputs, "metadata"), "name");
      if (matches(selector, { "serving.kserve.io/inferenceservice": name })) return numOf(field(field(r.inputs, "spec"), "predictor"), "minReplicas") ?? 1;
    }
  }
  return undefined;
}

/**
 * Budgets a chart renders from its values (chart defaults merged with ours): every
 * `podDisruptionBudget` / `pdb` block that is on (`enabled`/`enable` true, or with a bound and no
 * switch, as cluster-autoscaler's), with the replicas beside it. A block with neither bound gets
 * the chart templates' usual `minAvailable: 1`.
 */
function chartBudgets(release: RecordedResource, values: unknown, path = ""): DisruptionBudget[] {
  if (typeof values !== "object" || values === null || Array.isArray(values)) return [];
  const out: DisruptionBudget[] = [];
  for (const [k, v] of Object.entries(values)) {
    if ((k === "podDisruptionBudget" || k === "pdb") && typeof v === "object" && v !== null && !Array.isArray(v)) {
      const sw = boolOf(v, "enabled") ?? boolOf(v, "enable");
      const min = field(v, "minAvailable");
      const max = field(v, "maxUnavailable");
      const bounded = (min !== undefined && min !== null && min !== "") || (max !== undefined && max !== null && max !== "");
      if (sw === false || (sw === undefined && !bounded)) continue;
      const pods = numOf(values, "replicas") ?? numOf(values, "replicaCount") ?? 1;
      const r = bounded ? allowedEvictions(pods, min === "" ? undefined : min, max === "" ? undefined : max) : allowedEvictions(pods, 1, undefined);
      out.push({ name: `${release.name}:${path}${k}`, source: "Helm values", pods, rule: r.rule, allowed: r.allowed });
    } else {
      out.push(...chartBudgets(release, v, `${path}${k}.`));
    }
  }
  return out;
}

/** The budgets of the recorded program. `chartDefaults` are the charts' values.yaml by chart name. */
export function analyseDisruptionBudgets(idx: ResourceIndex, chartDefaults: Readonly<Record<string, unknown>>): DisruptionBudget[] {
  const out: DisruptionBudget[] = [];
  for (const r of idx.resources.filter((x) => x.custom)) {
    const spec = field(r.inputs, "spec");
    if (r.type === "kubernetes:policy/v1:PodDisruptionBudget") {
      const pods = podsSelected(idx, r) ?? 0;
      const a = allowedEvictions(pods, field(spec, "minAvailable"), field(spec, "maxUnavailable"));
      out.push({ name: r.name, source: "PodDisruptionBudget", pods, rule: a.rule, allowed: a.allowed });
    } else if (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") {
      // enablePDB defaults to true (CRD). CNPG then keeps a primary PDB (minAvailable 1) and, with
      // standbys, one for them (one may go); draining the primary's node makes it switch over.
      if (boolOf(spec, "enablePDB") === false) continue;
      const instances = numOf(spec, "instances") ?? 1;
      out.push({ name: `${r.name}:primary`, source: "CloudNativePG", pods: 1, rule: "minAvailable 1", allowed: 0, handoff: instances > 1 ? "CloudNativePG switches over to a standby when the primary's node is drained" : undefined });
      if (instances > 1) out.push({ name: `${r.name}:replicas`, source: "CloudNativePG", pods: instances - 1, rule: `minAvailable ${instances - 2}`, allowed: 1 });
    } else if (r.type.startsWith("kubernetes:elasticsearch.k8s.elastic.co/") && r.type.endsWith(":Elasticsearch")) {
      const pdb = field(spec, "podDisruptionBudget");
      const nodes = listOf(spec, "nodeSets").reduce<number>((sum, ns) => sum + (numOf(ns, "count") ?? 1), 0);
      if (pdb !== undefined && Object.keys(pdb as object).length === 0) continue;
      if (pdb === undefined) {
        // ECK's default: one pod may go while the cluster is green; a single node always may.
        // https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-pod-disruption-budget.html
        out.push({ name: r.name, source: "ECK", pods: nodes, rule: nodes === 1 ? "ECK default (single node: always disruptible)" : "ECK default (one pod while green)", allowed: 1 });
      } else {
        const s = field(pdb, "spec");
        const a = allowedEvictions(nodes, field(s, "minAvailable"), field(s, "maxUnavailable"));
        out.push({ name: r.name, source: "ECK", pods: nodes, rule: a.rule, allowed: a.allowed });
      }
    } else if (r.type === RELEASE) {
      const chart = (strOf(r.inputs, "chart") ?? "").split("/").pop() ?? "";
      // Istio's charts keep their defaults under one key that users never set (../shared/charts README; tests/support/chartValues.ts).
      const raw = chartDefaults[chart] ?? {};
      const defaults = field(raw, "_internal_defaults_do_not_set") ?? raw;
      out.push(...chartBudgets(r, deepMerge(defaults, field(r.inputs, "values") ?? {})));
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
