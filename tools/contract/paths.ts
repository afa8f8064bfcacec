import { unwrapSecrets } from "../offline/harness";

/**
 * Every key path of a stack's outputs, e.g. `websocket`, `websocket.idleTimeoutSeconds`,
 * `nodePools.general.maxSize`, `egressIps[]`: what app teams read, nested levels included. Array
 * elements share one `[]` segment; a scalar or null is a leaf.
 */
export function outputPaths(value: unknown, prefix = ""): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) {
      for (const e of v) walk(e, `${p}[]`);
    } else if (typeof v === "object" && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const q = p ? `${p}.${k}` : k;
        out.add(q);
        walk(child, q);
      }
    }
  };
  walk(value, prefix);
  return [...out].sort();
}

/** The paths of a run's stack outputs, secret values unwrapped (a secret is a leaf like any other). */
export function stackOutputPaths(outputs: Readonly<Record<string, unknown>>): string[] {
  return outputPaths(unwrapSecrets(outputs));
}
