import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, renderProblem } from "./schema/problems";
import { BOOTSTRAP_NAMESPACE, BootstrapConfig, validateBootstrapConfig } from "./schema/bootstrap";
import { NAMESPACE, RawStackConfig, SECRET_KEYS, ValidatedStackConfig, validateStackConfig } from "./schema/stack";

/**
 * A configuration that cannot be deployed. Extends RunError so `pulumi up` prints the messages
 * without a stack trace; `npm run plan` prints them and exits 1.
 */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${renderProblem(p)}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface StackSecrets {
  /** Slack incoming-webhook URL for Alertmanager (`entasis:slackWebhookUrl`, secret). */
  readonly slackWebhookUrl?: pulumi.Output<string>;
}

export interface StackConfig extends ValidatedStackConfig {
  readonly secrets: StackSecrets;
}

/** Structured values arrive as JSON text; scalars as plain text. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Turns the config map Pulumi hands a program (`ns:key` -> text) into validation input. Secret
 * keys are left out: their values are only ever read as secret Outputs.
 */
export function toRawStackConfig(stack: string, all: Readonly<Record<string, string>>, secretsPresent: Readonly<Record<string, boolean>>): RawStackConfig {
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns === NAMESPACE && key !== undefined && !(key in SECRET_KEYS)) values[key] = decode(text);
  }
  return { stack, region: all["aws:region"], values, secretsPresent };
}

/**
 * The only place that reads Pulumi configuration. Everything is validated at once, before any
 * resource exists; a bad config throws ConfigError listing every problem.
 */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(NAMESPACE);
  const secrets = { slackWebhookUrl: config.getSecret("slackWebhookUrl") };
  const secretsPresent = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v !== undefined]));
  const result = validateStackConfig({ ...toRawStackConfig(pulumi.getStack(), pulumi.runtime.allConfig(), secretsPresent), deploying: !pulumi.runtime.isDryRun() });
  if (!result.ok) throw new ConfigError(result.problems);
  return { ...result.config, secrets };
}

/** Config of the bootstrap project (`bootstrap/`, namespace `entasis-bootstrap`), validated as a whole. */
export function loadBootstrapConfig(): BootstrapConfig {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns === BOOTSTRAP_NAMESPACE && key !== undefined) values[key] = decode(text);
  }
  const result = validateBootstrapConfig({ stack: pulumi.getStack(), region: all["aws:region"], values, deploying: !pulumi.runtime.isDryRun() });
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}
