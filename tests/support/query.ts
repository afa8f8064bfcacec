import { RecordedResource, RunResult } from "../../tools/offline/harness";

/** Test secrets, as an operator would set them with `pulumi config set --secret`. */
export const TEST_SECRETS = { slackWebhookUrl: "https://hooks.slack.com/services/T000/B000/test-only" } as const;

export function ofType(run: RunResult, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: RunResult, name: string, type?: string): RecordedResource {
  const found = run.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  if (found.length !== 1) throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
  return found[0];
}

export function byUrn(run: RunResult, urn: string | undefined): RecordedResource | undefined {
  return run.resources.find((r) => r.urn === urn);
}

/** Nearest component ancestor's type, e.g. `entasis:network:Network`. */
export function componentOf(run: RunResult, r: RecordedResource): string | undefined {
  return byUrn(run, r.parent)?.type;
}

export function str(r: RecordedResource, key: string): string {
  const v = r.inputs[key];
  if (typeof v !== "string") throw new Error(`${r.name}.${key} is ${JSON.stringify(v)}, not a string`);
  return v;
}

export function tagsOf(r: RecordedResource): Record<string, string> {
  const t = r.inputs.tags;
  return typeof t === "object" && t !== null ? (t as Record<string, string>) : {};
}

/** A policy-document input, whether the program passed JSON text or a typed document object. */
export function jsonInput(r: RecordedResource, key: string): Record<string, unknown> {
  const v = r.inputs[key];
  if (typeof v === "object" && v !== null) return v as Record<string, unknown>;
  return JSON.parse(str(r, key)) as Record<string, unknown>;
}
