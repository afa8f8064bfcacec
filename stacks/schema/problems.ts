import { z } from "zod";
import { knownKeysAt, nearestKey } from "./suggest";

/**
 * One thing wrong with the stack configuration. Rendered as
 * `<key> <value> <problem>; <fix>` so an operator can act on it without reading code, e.g.
 * `entasis:network.cidr "10.0.0.0/33" is not a valid IPv4 CIDR; use e.g. 10.10.0.0/16`.
 */
export interface ConfigProblem {
  /** Full config key, `entasis:<area>.<path>`. */
  readonly key: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export function showValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function renderProblem(p: ConfigProblem): string {
  return `${p.key} ${showValue(p.value)} ${p.problem}; ${p.fix}`;
}

/** Config key of a path inside an area object: `entasis:network` + ["subnets", "public"] -> `entasis:network.subnets.public`. */
export function keyOf(areaKey: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`), areaKey);
}

/**
 * Custom checks inside schemas use messages of the form `problem; fix` so that zod issues and
 * our own semantic checks render identically.
 */
export function issue(problem: string, fix: string): string {
  return `${problem}; ${fix}`;
}

/** The stack file a key is set in: `Pulumi.dev.yaml`, or the generic name when the stack is not known. */
export function stackFileOf(stack: string | undefined): string {
  return stack ? `Pulumi.${stack}.yaml` : "Pulumi.<stack>.yaml";
}

/** A key nobody reads: the value the user wrote, and the known key it is probably a misspelling of. */
export function unknownKeyProblem(key: string, value: unknown, known: readonly string[], file: string): ConfigProblem {
  const written = key.slice(Math.max(key.lastIndexOf("."), key.lastIndexOf(":")) + 1);
  const near = nearestKey(written, known);
  const listed = known.length > 0 ? ` (known here: ${known.join(", ")})` : "";
  return {
    key,
    value,
    problem: "is not a known setting",
    fix: near ? `did you mean ${key.slice(0, key.length - written.length)}${near}? Rename it in ${file}${listed}` : `remove it from ${file} or fix its spelling${listed || ' (see README "Configuration")'}`,
  };
}

export interface ProblemContext {
  /** The stack being validated, to name its file (`Pulumi.dev.yaml`). */
  readonly stack?: string;
  /** The file's name when it is not `Pulumi.<stack>.yaml` beside Pulumi.yaml (the bootstrap project's). */
  readonly file?: string;
  /** The schema that failed, to suggest the nearest known key for a misspelt one. */
  readonly schema?: z.ZodType;
}

/** Converts every zod issue (not just the first) into a ConfigProblem. */
export function zodProblems(areaKey: string, error: z.ZodError, context: ProblemContext = {}): ConfigProblem[] {
  return error.issues.flatMap((i): ConfigProblem[] => {
    const key = keyOf(areaKey, i.path);
    const value = "input" in i ? i.input : undefined;
    switch (i.code) {
      case "invalid_type":
        return [
          value === undefined
            ? { key, value, problem: `is required (${i.expected})`, fix: `set ${key} in ${context.file ?? stackFileOf(context.stack)}` }
            : { key, value, problem: `must be ${article(i.expected)}`, fix: `set ${key} to ${article(i.expected)}` },
        ];
      case "invalid_value":
        return [{ key, value, problem: `is not allowed (allowed: ${i.values.map((v) => String(v)).join(" | ")})`, fix: `use one of those values` }];
      case "too_small":
        return [{ key, value, problem: `is below the minimum ${String(i.minimum)}${i.origin === "array" ? " items" : ""}`, fix: `use at least ${String(i.minimum)}` }];
      case "too_big":
        return [{ key, value, problem: `is above the maximum ${String(i.maximum)}${i.origin === "array" ? " items" : ""}`, fix: `use at most ${String(i.maximum)}` }];
      case "unrecognized_keys":
        return i.keys.map((k) => {
          // zod reports the object holding the key as the issue's input (with reportInput).
          const written: unknown = typeof value === "object" && value !== null ? Reflect.get(value, k) : undefined;
          const known = context.schema ? knownKeysAt(context.schema, i.path) : [];
          return unknownKeyProblem(keyOf(key, [k]), written, known, context.file ?? stackFileOf(context.stack));
        });
      case "invalid_format":
      case "custom": {
        if (!i.message.includes("; ")) return [{ key, value, problem: `is not a valid ${i.code === "invalid_format" ? i.format : "value"}`, fix: `fix the value of ${key}` }];
        const [problem, ...fix] = i.message.split("; ");
        return [{ key, value, problem, fix: fix.join("; ") || `fix the value of ${key}` }];
      }
      default:
        return [{ key, value, problem: i.message, fix: `fix the value of ${key}` }];
    }
  });
}

function article(expected: string): string {
  if (expected === "int") return "a whole number";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
