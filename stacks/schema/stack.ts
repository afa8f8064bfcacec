import { z } from "zod";
import { REGION_RE } from "../../lib/awsLimits";
import { deepMerge } from "../../lib/merge";
import { ClusterConfig, clusterSchema, validateCluster } from "./cluster";
import { ENVIRONMENTS, ENVIRONMENT_DEFAULTS, Environment } from "./defaults";
import { NetworkConfig, networkSchema, validateNetwork } from "./network";
import { ConfigProblem, zodProblems } from "./problems";

/** Config namespace of this project (the `name` in Pulumi.yaml). */
export const NAMESPACE = "entasis";

/**
 * Secret config keys the program reads, where each is required, and how to set it. Values never
 * pass through validation (they are Outputs); only their presence is checked.
 */
export const SECRET_KEYS: Readonly<Record<string, { readonly requiredIn: readonly Environment[]; readonly example: string; readonly purpose: string }>> = {
  slackWebhookUrl: { requiredIn: ["prod"], example: "https://hooks.slack.com/services/T000/B000/XXXX", purpose: "Alertmanager's Slack receiver" },
};

const tagsSchema = z.strictObject({
  /** Team that owns the stack (tag `Owner`). */
  owner: z.string().min(1).max(256),
  /** Cost centre for billing (tag `CostCenter`). */
  costCenter: z.string().min(1).max(256),
});

/** Raw values as Pulumi hands them over: structured keys already JSON-parsed. */
export interface RawStackConfig {
  readonly stack: string;
  /** `aws:region`. */
  readonly region: string | undefined;
  /** `entasis:<key>` values by key without the namespace. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Which secret keys are present (their values are never read here). */
  readonly secretsPresent: Readonly<Record<string, boolean>>;
}

export interface ValidatedStackConfig {
  readonly stack: string;
  readonly region: string;
  readonly environment: Environment;
  readonly tags: Readonly<Record<string, string>>;
  readonly network: NetworkConfig;
  readonly cluster: ClusterConfig;
}

/** Areas of structured config; each is merged over its environment defaults, parsed, then cross-checked. */
const AREAS = {
  network: { schema: networkSchema, validate: (v: NetworkConfig, region: string) => validateNetwork(v, region, `${NAMESPACE}:network`) },
  cluster: { schema: clusterSchema, validate: (v: ClusterConfig) => validateCluster(v, `${NAMESPACE}:cluster`) },
} as const;

const KNOWN_KEYS = new Set<string>(["environment", "tags", ...Object.keys(AREAS), ...Object.keys(SECRET_KEYS)]);

export type ValidationResult = { readonly ok: true; readonly config: ValidatedStackConfig } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * Validates the whole stack configuration and reports every problem found, not just the first.
 * Pure: no Pulumi runtime, no I/O, so it runs before any resource is registered.
 */
export function validateStackConfig(raw: RawStackConfig): ValidationResult {
  const problems: ConfigProblem[] = [];

  const region = raw.region ?? "";
  if (!REGION_RE.test(region)) {
    problems.push({ key: "aws:region", value: raw.region, problem: "is not an AWS region", fix: "set aws:region, e.g. ap-northeast-2" });
  }

  const envRaw = raw.values.environment;
  const environment = ENVIRONMENTS.find((e) => e === envRaw);
  if (!environment) {
    problems.push({ key: `${NAMESPACE}:environment`, value: envRaw, problem: `is not a known environment (allowed: ${ENVIRONMENTS.join(" | ")})`, fix: `set ${NAMESPACE}:environment to one of them` });
  }

  for (const key of Object.keys(raw.values)) {
    if (!KNOWN_KEYS.has(key)) {
      problems.push({ key: `${NAMESPACE}:${key}`, value: raw.values[key], problem: "is not a known setting", fix: `remove it or fix its spelling (known: ${[...KNOWN_KEYS].join(", ")})` });
    }
  }

  const tags = tagsSchema.safeParse(raw.values.tags, { reportInput: true });
  if (!tags.success) problems.push(...zodProblems(`${NAMESPACE}:tags`, tags.error));

  for (const [name, spec] of Object.entries(SECRET_KEYS)) {
    if (environment && spec.requiredIn.includes(environment) && !raw.secretsPresent[name]) {
      problems.push({
        key: `${NAMESPACE}:${name}`,
        value: undefined,
        problem: `is required in ${environment} (${spec.purpose})`,
        fix: `run: pulumi config set --secret ${NAMESPACE}:${name} ${spec.example}`,
      });
    }
  }

  // With an unknown environment, still check the areas (against prod's defaults, the strictest)
  // so that every problem of the file shows up in one run.
  const defaults = ENVIRONMENT_DEFAULTS[environment ?? "prod"];
  const network = AREAS.network.schema.safeParse(deepMerge(defaults.network, raw.values.network), { reportInput: true });
  const cluster = AREAS.cluster.schema.safeParse(deepMerge(defaults.cluster, raw.values.cluster), { reportInput: true });
  if (!network.success) problems.push(...zodProblems(`${NAMESPACE}:network`, network.error));
  else if (region) problems.push(...AREAS.network.validate(network.data, region));
  if (!cluster.success) problems.push(...zodProblems(`${NAMESPACE}:cluster`, cluster.error));
  else problems.push(...AREAS.cluster.validate(cluster.data));

  if (problems.length > 0 || !environment || !tags.success || !network.success || !cluster.success) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    config: {
      stack: raw.stack,
      region,
      environment,
      tags: { Project: "entasis", Environment: environment, Owner: tags.data.owner, CostCenter: tags.data.costCenter, ManagedBy: "pulumi", Stack: raw.stack },
      network: network.data,
      cluster: cluster.data,
    },
  };
}

