import { PoolDescription } from "../cluster/nodePool";

/** Node selector and tolerations a pod needs to run on a pool (and only there, for tainted pools). */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly { readonly key: string; readonly operator: "Equal" | "Exists"; readonly value?: string; readonly effect: string }[];
}

/** Selects the pool by its `role` label and tolerates each of its taints exactly. */
export function placementOn(pool: PoolDescription): Placement {
  const role = pool.labels.role ?? pool.name;
  return {
    nodeSelector: { role },
    tolerations: pool.taints.map((t) => (t.value === undefined ? { key: t.key, operator: "Exists", effect: t.effect } : { key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
  };
}

/**
 * The same placement as Flink configuration (`kubernetes.{jobmanager,taskmanager}.node-selector`
 * and `.tolerations`), so the operator's default configuration places every FlinkDeployment.
 * https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/config/#kubernetes
 */
export function flinkPlacementConfig(p: Placement): Record<string, string> {
  const selector = Object.entries(p.nodeSelector)
    .map(([k, v]) => `${k}:${v}`)
    .join(",");
  const tolerations = p.tolerations
    .map((t) => [`key:${t.key}`, `operator:${t.operator}`, ...(t.value !== undefined ? [`value:${t.value}`] : []), `effect:${t.effect}`].join(","))
    .join(";");
  const out: Record<string, string> = {};
  for (const role of ["jobmanager", "taskmanager"]) {
    out[`kubernetes.${role}.node-selector`] = selector;
    if (tolerations) out[`kubernetes.${role}.tolerations`] = tolerations;
  }
  return out;
}

/** CEL that holds when a pod (`object`) carries the placement: the selector and every toleration. */
export function placementCel(p: Placement): { readonly expression: string; readonly what: string }[] {
  const selector = Object.entries(p.nodeSelector).map(([k, v]) => ({
    expression: `has(object.spec.nodeSelector) && '${k}' in object.spec.nodeSelector && object.spec.nodeSelector['${k}'] == '${v}'`,
    what: `nodeSelector ${k}: ${v}`,
  }));
  const tolerations = p.tolerations.map((t) => ({
    expression:
      `has(object.spec.tolerations) && object.spec.tolerations.exists(t, has(t.key) && t.key == '${t.key}' && ` +
      `(!has(t.effect) || t.effect == '${t.effect}') && ` +
      (t.value !== undefined ? `((has(t.operator) && t.operator == 'Exists') || (has(t.value) && t.value == '${t.value}')))` : `has(t.operator) && t.operator == 'Exists')`),
    what: `a toleration of ${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${t.effect}`,
  }));
  return [...selector, ...tolerations];
}
