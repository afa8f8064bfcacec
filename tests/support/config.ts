import { toRawStackConfig } from "../../stacks/config";
import { renderProblem } from "../../stacks/schema/problems";
import { ValidatedStackConfig, validateStackConfig } from "../../stacks/schema/stack";
import { loadStackFile } from "../../tools/offline/stackFile";

/**
 * Validates a stack file with some keys replaced, exactly as the program would see it.
 * `edit` receives the decoded `entasis:` areas and returns the changed ones.
 */
export function validateWith(
  stack: string,
  edit: (areas: Record<string, unknown>) => Record<string, unknown> = (a) => a,
  secretsPresent: Record<string, boolean> = { slackWebhookUrl: true },
): { ok: boolean; messages: string[] } {
  const file = loadStackFile(stack);
  const areas: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file.config)) {
    if (k.startsWith("entasis:")) areas[k.slice("entasis:".length)] = JSON.parse(JSON.stringify(decodeText(v)));
  }
  const edited = edit(areas);
  const all: Record<string, string> = { "aws:region": file.config["aws:region"] };
  for (const [k, v] of Object.entries(edited)) if (v !== undefined) all[`entasis:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  const result = validateStackConfig(toRawStackConfig(stack, all, secretsPresent));
  return result.ok ? { ok: true, messages: [] } : { ok: false, messages: result.problems.map(renderProblem) };
}

function decodeText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Shallow helper to change one field of an area object. */
export function withField(area: unknown, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(area ?? {})) as Record<string, unknown>;
  let cursor: Record<string, unknown> = copy;
  for (const part of path.slice(0, -1)) {
    if (typeof cursor[part] !== "object" || cursor[part] === null) cursor[part] = {};
    cursor = cursor[part] as Record<string, unknown>;
  }
  if (value === undefined) delete cursor[path[path.length - 1]];
  else cursor[path[path.length - 1]] = value;
  return copy;
}

/**
 * A stack's configuration as the program sees it: its file merged over its environment's and its
 * mode's defaults, validated. Pools, sizes and quotas a mode presets are not in the stack file.
 */
export function effectiveConfig(stack: string): ValidatedStackConfig {
  const result = validateStackConfig(toRawStackConfig(stack, loadStackFile(stack).config, { slackWebhookUrl: true }));
  if (!result.ok) throw new Error(`Pulumi.${stack}.yaml does not validate: ${result.problems.map(renderProblem).join("; ")}`);
  return result.config;
}
