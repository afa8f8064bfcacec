import { z } from "zod";

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The known key nearest to `written`, if it is close enough to be a misspelling: at most a third
 * of the key's length apart (at least 2 edits), case differences counting as none.
 */
export function nearestKey(written: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = written.toLowerCase() === key.toLowerCase() ? 0 : levenshtein(written.toLowerCase(), key.toLowerCase());
    if (best === undefined || d < best.d) best = { key, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

type Def = { readonly type: string } & Readonly<Record<string, unknown>>;

function defOf(schema: unknown): Def | undefined {
  if (typeof schema !== "object" || schema === null || !("def" in schema)) return undefined;
  const def: unknown = schema.def;
  return typeof def === "object" && def !== null && "type" in def && typeof def.type === "string" ? (def as Def) : undefined;
}

/**
 * The keys an object schema accepts at `path` (the path of a zod issue), looking through
 * defaults, optionals, pipes, records, arrays, unions and intersections. Empty when unknown.
 */
export function knownKeysAt(schema: z.ZodType | unknown, path: readonly PropertyKey[]): string[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return knownKeysAt(def.innerType, path);
    case "pipe":
      return knownKeysAt(def.in, path);
    case "lazy":
      return typeof def.getter === "function" ? knownKeysAt((def.getter as () => unknown)(), path) : [];
    case "object": {
      const shape = def.shape;
      if (typeof shape !== "object" || shape === null) return [];
      if (path.length === 0) return Object.keys(shape);
      return knownKeysAt(Reflect.get(shape, path[0]), path.slice(1));
    }
    case "record":
      return path.length === 0 ? [] : knownKeysAt(def.valueType, path.slice(1));
    case "array":
      return path.length === 0 ? [] : knownKeysAt(def.element, path.slice(1));
    case "union":
      return Array.isArray(def.options) ? [...new Set(def.options.flatMap((o: unknown) => knownKeysAt(o, path)))] : [];
    case "intersection":
      return [...new Set([...knownKeysAt(def.left, path), ...knownKeysAt(def.right, path)])];
    default:
      return [];
  }
}
