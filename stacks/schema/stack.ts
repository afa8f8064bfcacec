import { z } from "zod";
import { REGION_RE } from "../../lib/awsLimits";
import { deepMerge } from "../../lib/merge";
import { aiSchema, validateAi, validateAiCapacity } from "./ai";
import { backupSchema, validateBackup } from "./backup";
import { deploySchema, validateDeploy } from "./deploy";
import { clusterSchema, validateAdminPrincipals, validateCluster } from "./cluster";
import { validateZonalCapacity } from "./zonalCapacity";
import { dataSchema, validateData } from "./data";
import { loggingSchema, validateLogging } from "./logging";
import { messagingSchema, validateMessaging } from "./messaging";
import { configStoreSchema, validateConfigStore } from "./configStore";
import { collectorsSchema, validateCollectors, validateCollectorsAgainst } from "./collectors";
import { meshSchema, validateMesh } from "./mesh";
import { auditSchema, validateAudit } from "./audit";
import { edgeSchema, validateEdge } from "./edge";
import { AreaContext } from "./context";
import { ENVIRONMENTS, Environment } from "./defaults";
import { IMPLIED_MODE, MODES, MODES_WITH_DR, Mode, defaultsFor } from "./modes";
import { SleepConfig, sleepSchema, validateSleep } from "./sleep";
import { stackTags, tagsSchema } from "./tags";
import { monitoringSchema, validateMonitoring } from "./monitoring";
import { networkSchema, validateNetwork } from "./network";
import { processingSchema, validateProcessing, validateProcessingCapacity } from "./processing";
import { ConfigProblem, stackFileOf, unknownKeyProblem, zodProblems } from "./problems";
import { timeseriesSchema, validateTimeseries, validateTimeseriesAgainst } from "./timeseries";
import { validateWorkloads, workloadsSchema } from "./workloads";
import { loadTestSchema, validateLoadTest } from "./loadTest";
import { validateConnectionBudget } from "./capacity";
import { FailoverConfig, failoverSchema, isWaitingStandby, validateFailover, waiveStandbyMinimums } from "./failover";
import { SecretRotationConfig, secretRotationSchema, validateSecretRotation } from "./secretRotation";

/** Config namespace of this project (the `name` in Pulumi.yaml). */
export const NAMESPACE = "entasis";

/**
 * Secret config keys the program reads, where each is required, and how to set it. Values never
 * pass through validation (they are Outputs); only their presence is checked.
 */
export const SECRET_KEYS: Readonly<Record<string, { readonly requiredIn: readonly Environment[]; readonly example: string; readonly purpose: string }>> = {
  slackWebhookUrl: { requiredIn: ["prod"], example: "https://hooks.slack.com/services/T000/B000/XXXX", purpose: "Alertmanager's Slack receiver" },
};

/** Raw values as Pulumi hands them over: structured keys already JSON-parsed. */
export interface RawStackConfig {
  readonly stack: string;
  /** `aws:region`. */
  readonly region: string | undefined;
  /** `entasis:<key>` values by key without the namespace. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Which secret keys are present (their values are never read here). */
  readonly secretsPresent: Readonly<Record<string, boolean>>;
  /** True for `pulumi up`, false for a preview (placeholders are tolerated only in previews). Default false. */
  readonly deploying?: boolean;
}

interface AreaSpec<S extends z.ZodType> {
  readonly schema: S;
  /** Merges over the defaults, parses, runs the cross-field checks; undefined when it did not parse. */
  readonly parse: (key: string, raw: unknown, defaults: unknown, ctx: AreaContext, problems: ConfigProblem[]) => z.infer<S> | undefined;
}

/**
 * A `null` in a stack file removes what its mode's preset puts there (a pool, a read replica):
 * objects merge key by key, so without it a stack could add to its mode but never take away.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

/** An area: its schema and its cross-field checks (run only when the schema parsed). */
function area<S extends z.ZodType>(schema: S, validate: (value: z.infer<S>, ctx: AreaContext) => ConfigProblem[]): AreaSpec<S> {
  return {
    schema,
    parse: (key, raw, defaults, ctx, problems) => {
      const parsed = schema.safeParse(withoutNulls(deepMerge(defaults, raw)), { reportInput: true });
      if (!parsed.success) {
        problems.push(...zodProblems(`${NAMESPACE}:${key}`, parsed.error, { stack: ctx.stack, schema }));
        return undefined;
      }
      if (ctx.region) problems.push(...validate(parsed.data, ctx));
      return parsed.data;
    },
  };
}

/**
 * Areas of structured config, one key each (`entasis:<area>`): merged over the environment's
 * defaults, parsed, then cross-checked. Adding an area is one line here plus its defaults.
 */
const AREAS = {
  network: area(networkSchema, (v, ctx) => validateNetwork(v, ctx.region, `${NAMESPACE}:network`)),
  cluster: area(clusterSchema, (v, ctx) => [...validateCluster(v, `${NAMESPACE}:cluster`, `entasis-${ctx.stack}`), ...validateAdminPrincipals(v, ctx.environment, ctx.deploying, `${NAMESPACE}:cluster`)]),
  data: area(dataSchema, (v, ctx) => validateData(v, ctx, `${NAMESPACE}:data`)),
  logging: area(loggingSchema, (v, ctx) => validateLogging(v, ctx, `${NAMESPACE}:logging`)),
  monitoring: area(monitoringSchema, (v, ctx) => validateMonitoring(v, ctx.environment, `${NAMESPACE}:monitoring`)),
  backup: area(backupSchema, (v, ctx) => validateBackup(v, ctx, `${NAMESPACE}:backup`)),
  edge: area(edgeSchema, (v, ctx) => validateEdge(v, ctx.region, ctx.environmentKnown === false ? undefined : ctx.environment, `${NAMESPACE}:edge`, ctx.deploying)),
  workloads: area(workloadsSchema, (v, ctx) => validateWorkloads(v, `${NAMESPACE}:workloads`, ctx.deploying)),
  deploy: area(deploySchema, () => []),
  timeseries: area(timeseriesSchema, (v, ctx) => validateTimeseries(v, ctx.environment, `${NAMESPACE}:timeseries`, ctx)),
  processing: area(processingSchema, (v) => validateProcessing(v, `${NAMESPACE}:processing`)),
  ai: area(aiSchema, (v, ctx) => validateAi(v, ctx.environment, `${NAMESPACE}:ai`)),
  messaging: area(messagingSchema, (v, ctx) => validateMessaging(v, ctx, `${NAMESPACE}:messaging`)),
  configStore: area(configStoreSchema, (v) => validateConfigStore(v, `${NAMESPACE}:configStore`)),
  loadTest: area(loadTestSchema, () => []),
  collectors: area(collectorsSchema, (v, ctx) => validateCollectors(v, ctx.environment, `${NAMESPACE}:collectors`, ctx.deploying)),
  mesh: area(meshSchema, (v, ctx) => validateMesh(v, ctx.environment, `${NAMESPACE}:mesh`)),
  audit: area(auditSchema, (v, ctx) => validateAudit(v, `${NAMESPACE}:audit`, ctx.deploying)),
};

type Areas = typeof AREAS;
export type AreaConfigs = { readonly [K in keyof Areas]: z.infer<Areas[K]["schema"]> };

export interface ValidatedStackConfig extends AreaConfigs {
  readonly stack: string;
  readonly region: string;
  readonly environment: Environment;
  /** `entasis:mode`: the stack's shape (stacks/schema/modes.ts); its environment's implied mode when unset. */
  readonly mode: Mode;
  /** True when the stack file sets `entasis:mode`, false when the mode is implied by the environment. */
  readonly modeExplicit: boolean;
  /** `entasis:sleep`: working hours of a `single` stack; undefined: always awake. */
  readonly sleep: SleepConfig;
  readonly tags: Readonly<Record<string, string>>;
  /** `entasis:failover`: this stack's half of a multi-region pair; absent for a single-region stack. */
  readonly failover?: FailoverConfig;
  /** `entasis:secretRotation`: rotation generations of the generated secrets; undefined: none ever rotated. */
  readonly secretRotation: SecretRotationConfig;
}

/** Every `entasis:` key a stack file may set (README's configuration table lists exactly these). */
export const KNOWN_KEYS: ReadonlySet<string> = new Set<string>(["environment", "tags", ...Object.keys(AREAS), "failover", ...Object.keys(SECRET_KEYS), "mode", "sleep", "secretRotation"]);

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

  // The mode gives the shape; unset, the environment's own (dev: single, prod: ha-scaled).
  const modeRaw = raw.values.mode;
  const mode: Mode | undefined = modeRaw === undefined ? IMPLIED_MODE[environment ?? "prod"] : MODES.find((m) => m === modeRaw);
  if (!mode) {
    problems.push({ key: `${NAMESPACE}:mode`, value: modeRaw, problem: `is not a deployment mode (allowed: ${MODES.join(" | ")})`, fix: `set ${NAMESPACE}:mode to one of them (README "Deployment modes")` });
  } else if (environment === "prod" && mode === "single") {
    problems.push({ key: `${NAMESPACE}:mode`, value: mode, problem: "is a single-zone shape with no replicas, which prod refuses", fix: `use ${NAMESPACE}:mode ha or above, or ${NAMESPACE}:environment dev` });
  }

  for (const key of Object.keys(raw.values)) {
    if (!KNOWN_KEYS.has(key)) {
      problems.push(unknownKeyProblem(`${NAMESPACE}:${key}`, raw.values[key], [...KNOWN_KEYS], stackFileOf(raw.stack)));
    }
  }

  const tags = tagsSchema.safeParse(raw.values.tags, { reportInput: true });
  if (!tags.success) problems.push(...zodProblems(`${NAMESPACE}:tags`, tags.error, { stack: raw.stack, schema: tagsSchema }));
  const sleep = sleepSchema.safeParse(raw.values.sleep, { reportInput: true });
  if (!sleep.success) problems.push(...zodProblems(`${NAMESPACE}:sleep`, sleep.error, { stack: raw.stack, schema: sleepSchema }));
  const secretRotation = secretRotationSchema.safeParse(raw.values.secretRotation, { reportInput: true });
  if (!secretRotation.success) problems.push(...zodProblems(`${NAMESPACE}:secretRotation`, secretRotation.error, { stack: raw.stack, schema: secretRotationSchema }));
  else problems.push(...validateSecretRotation(secretRotation.data, `${NAMESPACE}:secretRotation`));

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

  // A multi-region half (stacks/schema/failover.ts). A promoted standby runs at its full size: the
  // `fullSize` values merge over the file's own before the areas parse, so every check sees them.
  let failover: FailoverConfig | undefined;
  let values = raw.values;
  if (raw.values.failover !== undefined) {
    const f = failoverSchema.safeParse(raw.values.failover, { reportInput: true });
    if (!f.success) problems.push(...zodProblems(`${NAMESPACE}:failover`, f.error, { stack: raw.stack, schema: failoverSchema }));
    else {
      failover = f.data;
      const full = f.data.role === "standby" && f.data.promoted === true ? f.data.fullSize : undefined;
      if (full) values = { ...raw.values, ...Object.fromEntries(Object.entries(full).map(([k, v]) => [k, deepMerge(raw.values[k], v)])) };
    }
  }

  // With an unknown environment, still check the areas (against prod's defaults, the strictest)
  // so that every problem of the file shows up in one run.
  // An unknown environment is checked as the strictest one its mode allows (prod, or dev for single).
  const ctx: AreaContext = { region: REGION_RE.test(region) ? region : "", environment: environment ?? (mode === "single" ? "dev" : "prod"), environmentKnown: environment !== undefined, stack: raw.stack, deploying: raw.deploying === true };
  const areas: Partial<Record<keyof Areas, unknown>> = {};
  for (const key of Object.keys(AREAS) as (keyof Areas)[]) {
    areas[key] = AREAS[key].parse(key, values[key], defaultsFor(ctx.environment, mode ?? IMPLIED_MODE[ctx.environment])[key], ctx, problems);
  }
  // Checks across areas, once each area involved has parsed; the capacity checks not with an
  // unknown environment, whose sizes would be prod's defaults, not the file's.
  const parsed = areas as Partial<AreaConfigs>;
  const known = ctx.region !== "" && environment !== undefined;
  if (known && parsed.processing && parsed.cluster) problems.push(...validateProcessingCapacity(parsed.processing, parsed.cluster, `${NAMESPACE}:processing`, `${NAMESPACE}:cluster`));
  if (known && parsed.ai && parsed.cluster) problems.push(...validateAiCapacity(parsed.ai, parsed.cluster, `${NAMESPACE}:ai`, `${NAMESPACE}:cluster`));
  // Pools against what is pinned to them, once the zones themselves are valid.
  const zonesValid = !problems.some((p) => p.key.startsWith(`${NAMESPACE}:network`));
  if (known && zonesValid && parsed.cluster && parsed.network) problems.push(...validateZonalCapacity(parsed, `${NAMESPACE}:cluster`));
  if (parsed.timeseries && parsed.cluster && parsed.backup) problems.push(...validateTimeseriesAgainst(parsed.timeseries, parsed.cluster, parsed.backup, `${NAMESPACE}:timeseries`));
  if (parsed.workloads && parsed.data) problems.push(...validateConnectionBudget(parsed.workloads, parsed.data, `${NAMESPACE}:workloads`, `${NAMESPACE}:data`));
  if (known && parsed.loadTest && parsed.cluster) problems.push(...validateLoadTest(parsed.loadTest, parsed.cluster, `${NAMESPACE}:loadTest`));
  if (parsed.collectors && parsed.messaging && parsed.configStore && parsed.timeseries) problems.push(...validateCollectorsAgainst(parsed.collectors, parsed.messaging, parsed.configStore, parsed.timeseries, `${NAMESPACE}:collectors`));
  // Modes that recover from copies need a region to copy to; only `single` may sleep.
  // multi-region is exactly a stack with a failover partner (stacks/schema/failover.ts).
  if (mode === "multi-region" && raw.values.failover === undefined) {
    problems.push({ key: `${NAMESPACE}:failover`, value: undefined, problem: "is unset, but mode multi-region pairs this stack with a warm standby in a second region behind Route 53 failover", fix: `set ${NAMESPACE}:failover (role primary here, role standby in the DR region's stack; docs/failover.md), or use ${NAMESPACE}:mode ha-scaled` });
  }
  if (mode && mode !== "multi-region" && raw.values.failover !== undefined) {
    problems.push({ key: `${NAMESPACE}:mode`, value: mode, problem: "has no failover partner, but entasis:failover is set", fix: `set ${NAMESPACE}:mode multi-region, or remove ${NAMESPACE}:failover` });
  }
  if (mode && MODES_WITH_DR.includes(mode) && parsed.backup && parsed.backup.drRegion === undefined && !problems.some((p) => p.key === `${NAMESPACE}:backup.drRegion`)) {
    problems.push({ key: `${NAMESPACE}:backup.drRegion`, value: undefined, problem: `is unset, but mode ${mode} keeps copies of every data store in a second region for manual recovery`, fix: `set ${NAMESPACE}:backup.drRegion, e.g. ap-northeast-1 (docs/disaster-recovery.md), or use ${NAMESPACE}:mode single` });
  }
  // RDS replicates automated backups to the DR region only when there are some (stacks/backup.ts buildDisasterRecovery).
  if (parsed.backup?.drRegion !== undefined && parsed.data && parsed.data.postgres.backupRetentionDays < 1 && !problems.some((p) => p.key === `${NAMESPACE}:data.postgres.backupRetentionDays`)) {
    problems.push({ key: `${NAMESPACE}:data.postgres.backupRetentionDays`, value: parsed.data.postgres.backupRetentionDays, problem: `turns automated backups off, but ${NAMESPACE}:backup.drRegion replicates them to ${parsed.backup.drRegion}`, fix: `keep at least 1 day, or unset ${NAMESPACE}:backup.drRegion` });
  }
  if (mode && sleep.success && parsed.data) problems.push(...validateSleep(sleep.data, { mode, postgresReplicas: Object.keys(parsed.data.postgres.replicas ?? {}), backup: parsed.backup }, `${NAMESPACE}:sleep`, `${NAMESPACE}:backup`));
  // The place `pulumi up` runs must reach the cluster's API endpoint.
  if (parsed.cluster && parsed.deploy) problems.push(...validateDeploy(parsed.deploy, parsed.cluster.endpoint.publicAccess, `${NAMESPACE}:deploy`));

  if (failover) problems.splice(0, problems.length, ...waiveStandbyMinimums(problems, failover, NAMESPACE));
  // A waiting standby must also be valid once promoted: the switch is a config flip, found wrong
  // only when the primary is already down would be too late.
  if (failover && isWaitingStandby(failover) && typeof raw.values.failover === "object" && raw.values.failover !== null) {
    const promoted = validateStackConfig({ ...raw, values: { ...raw.values, failover: { ...raw.values.failover, promoted: true } } });
    if (!promoted.ok) {
      const seen = new Set(problems.map((p) => `${p.key} ${p.problem}`));
      problems.push(...promoted.problems.filter((p) => !seen.has(`${p.key} ${p.problem}`)).map((p) => ({ ...p, problem: `${p.problem} (once promoted: entasis:failover.fullSize applied)` })));
    }
  }
  if (failover && parsed.backup && parsed.edge) problems.push(...validateFailover(failover, { region, deploying: raw.deploying === true, drRegion: parsed.backup.drRegion, drRegionReported: problems.some((p) => p.key === `${NAMESPACE}:backup.drRegion`), edgeScheme: parsed.edge.scheme, edgeAllowedCidrs: parsed.edge.allowedCidrs }, `${NAMESPACE}:failover`));

  if (problems.length > 0 || !environment || !mode || !tags.success || !sleep.success || !secretRotation.success || Object.values(areas).some((v) => v === undefined)) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    config: {
      stack: raw.stack,
      region,
      environment,
      mode,
      modeExplicit: modeRaw !== undefined,
      sleep: sleep.data,
      secretRotation: secretRotation.data,
      tags: stackTags(environment, tags.data, raw.stack),
      // Every area parsed (checked above), so each value has its schema's type.
      ...(areas as AreaConfigs),
      ...(failover ? { failover } : {}),
    },
  };
}
