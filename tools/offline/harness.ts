import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { RegisterResourceRequest, RegisterResourceOutputsRequest } from "@pulumi/pulumi/proto/resource_pb";
import { NAMESPACE, SECRET_KEYS } from "../../stacks/schema/stack";
import { CloudMocks } from "./mocks";
import * as path from "path";
import { BOOTSTRAP_DIR, BOOTSTRAP_PROJECT, PROJECT_NAME, bootstrapStackOf, loadStackFile, primaryStackOf } from "./stackFile";

/** Marker Pulumi puts on serialized secret values. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** One resource as the program registered it: what would reach the engine and the provider. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Inputs with secrets unwrapped (see secretPaths). */
  readonly inputs: Record<string, unknown>;
  /** Dotted paths of inputs that were marked secret. */
  readonly secretPaths: readonly string[];
  /** State the mock cloud answered. */
  readonly state: Record<string, unknown>;
  readonly parent?: string;
  /** URNs this resource depends on (explicit dependsOn plus every input's dependencies). */
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Provider reference `urn::id`, when one was set or inherited. */
  readonly provider?: string;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** Input paths whose change replaces the resource (`replaceOnChanges` option). */
  readonly replaceOnChanges: readonly string[];
  /** Former identities this resource claims (`aliases` option): a URN, or the parts that changed. */
  readonly aliases: readonly AliasRecord[];
}

export interface AliasRecord {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly parentUrn?: string;
  readonly noParent?: boolean;
}

export function secretPathsOf(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [];
  if (!Array.isArray(value) && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) return [prefix || "(root)"];
  return Object.entries(value).flatMap(([k, v]) => secretPathsOf(v, prefix ? `${prefix}.${k}` : k));
}

/** Replaces Pulumi's secret wrappers (`{ <sig>: <secret sig>, value }`) by their values; secretPathsOf says where they were. */
export function unwrapSecrets(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** MockMonitor that also records parent, dependencies and options, which Mocks never see. */
class RecordingMonitor extends MockMonitor {
  public readonly recorded: RecordedResource[] = [];
  public stackOutputs: Record<string, unknown> = {};
  public secretOutputs: string[] = [];

  async registerResource(req: RegisterResourceRequest, callback: (err: unknown, resp: unknown) => void): Promise<void> {
    const struct = req.getObject();
    const rawInputs = struct?.toJavaScript() ?? {};
    const inputs = (struct ? unwrapSecrets(pulumi.runtime.deserializeProperties(struct)) : {}) as Record<string, unknown>;
    return super.registerResource(req, (err: unknown, resp: unknown) => {
      if (!err && resp && typeof resp === "object" && "getUrn" in resp && typeof resp.getUrn === "function") {
        const urn: string = resp.getUrn();
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
          propertyDependencies[key] = deps.getUrnsList();
        });
        this.recorded.push({
          urn,
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          inputs,
          secretPaths: secretPathsOf(rawInputs),
          state: this.resources.get(urn)?.state ?? {},
          parent: req.getParent() || undefined,
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          provider: req.getProvider() || undefined,
          protect: req.getProtect() === true,
          ignoreChanges: req.getIgnorechangesList(),
          retainOnDelete: req.getRetainondelete() === true,
          deleteBeforeReplace: req.getDeletebeforereplace(),
          replaceOnChanges: req.getReplaceonchangesList(),
          aliases: req.getAliasesList().map((a): AliasRecord => {
            const spec = a.getSpec();
            if (!spec) return { urn: a.getUrn() };
            return { name: spec.getName() || undefined, type: spec.getType() || undefined, parentUrn: spec.getParenturn() || undefined, noParent: spec.getNoparent() || undefined };
          }),
        });
      }
      callback(err, resp);
    });
  }

  registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: (err: unknown, resp: unknown) => void): void {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
      const struct = req.getOutputs();
      this.secretOutputs = secretPathsOf(struct?.toJavaScript() ?? {});
      this.stackOutputs = struct ? pulumi.runtime.deserializeProperties(struct) : {};
    }
    super.registerResourceOutputs(req, callback);
  }
}

export interface RunOptions {
  readonly stack: string;
  /** Stack file to read instead of `Pulumi.<stack>.yaml` in the repository root (e.g. examples/modes/, docs/recovery/). Default the root's. */
  readonly stackFile?: string;
  /** Replace (or with `undefined`, remove) `ns:key` values of the stack file, as objects or text. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Secret values as `pulumi config set --secret` would provide them, by `entasis:` key. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Fill secrets the stack file does not hold with labelled placeholders. Default false. */
  readonly placeholderSecrets?: boolean;
  /** Run as `pulumi preview` (true) or `pulumi up` (false). Default true. */
  readonly preview?: boolean;
  /**
   * Outputs of the stacks a StackReference reads, by fully qualified name. Default: the bootstrap
   * stack named in `entasis:deploy.bootstrapStack` is run first, under the same mocks, and its
   * recorded outputs are what the platform reads. A failover standby's primary stack
   * (`entasis:failover.primaryStack`) is run the same way unless it is given here.
   */
  readonly stackReferences?: Readonly<Record<string, { readonly outputs: Record<string, unknown>; readonly secretOutputNames: readonly string[] }>>;
}

export interface RunResult {
  readonly stack: string;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** Output names (or paths) that are secret. */
  readonly secretOutputs: readonly string[];
  readonly calls: readonly pulumi.runtime.MockCallArgs[];
  /** Secret keys that were filled with placeholders. */
  readonly placeholders: readonly string[];
  /** Warnings the program logged (`pulumi.log.warn`), as `pulumi up` would print them. */
  readonly warnings: readonly string[];
  /** The error the program failed with, if it did. */
  readonly error?: unknown;
}

/** A run of this project's own program, with the configuration it was given (the preflight reads it). */
export interface StackRunResult extends RunResult {
  /** `ns:key` -> text as the program received it; secret values are replaced by "[secret]". */
  readonly config: Readonly<Record<string, string>>;
  /** `entasis:` secret keys (without the namespace) that hold a real value: given as `secrets`, or
   * stored encrypted (`secure:`) in the stack file. Placeholders do not count. */
  readonly secretsSet: readonly string[];
}

/**
 * Runs the real program for a stack, in-process, under mocks, with the real Pulumi.<stack>.yaml.
 * Runs are sequential: the Pulumi runtime is process-global.
 */
export async function attemptStack(opts: RunOptions): Promise<StackRunResult> {
  const file = loadStackFile(opts.stack, opts.stackFile);
  const config = withOverrides(file.config, opts.overrides);
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(opts.secrets ?? {})) {
    config[`${NAMESPACE}:${k}`] = v;
    secretKeys.push(`${NAMESPACE}:${k}`);
  }
  const placeholders: string[] = [];
  if (opts.placeholderSecrets) {
    for (const k of Object.keys(SECRET_KEYS)) {
      const full = `${NAMESPACE}:${k}`;
      if (!(full in config)) {
        config[full] = `offline-placeholder-for-${k}`;
        secretKeys.push(full);
        placeholders.push(full);
      }
    }
  }

  const region = config["aws:region"] ?? "ap-northeast-2";
  const given = opts.stackReferences ?? (await bootstrapReferences(config));
  // A standby's primary is read too, unless the caller gave its outputs.
  const stackReferences = { ...(await primaryReferences(config, given)), ...given };
  const result = await attemptProgram({
    project: PROJECT_NAME,
    stack: opts.stack,
    config,
    secretKeys,
    preview: opts.preview,
    mocks: new CloudMocks({ region, stackReferences }),
    // Loaded lazily so the mocks are in place before any program module runs.
    program: async () => (await import("../../stacks/program")).program(),
  });
  const shown = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secretKeys.includes(k) ? "[secret]" : v]));
  const secretsSet = Object.keys(SECRET_KEYS).filter((k) => Object.keys(opts.secrets ?? {}).includes(k) || file.encryptedKeys.includes(`${NAMESPACE}:${k}`));
  return { ...result, placeholders, config: shown, secretsSet };
}

/** Stack-file config with `ns:key` values replaced (objects as JSON text) or, with `undefined`, removed. */
function withOverrides(base: Readonly<Record<string, string>>, overrides: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const config: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config[k];
    else config[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return config;
}

/** Runs the bootstrap project's program for one stack (`bootstrap/Pulumi.<stack>.yaml`). */
export async function attemptBootstrap(opts: { readonly stack: string; readonly preview?: boolean; readonly overrides?: Readonly<Record<string, unknown>> }): Promise<RunResult> {
  const file = loadStackFile(opts.stack, path.join(BOOTSTRAP_DIR, `Pulumi.${opts.stack}.yaml`));
  const config = withOverrides(file.config, opts.overrides);
  const result = await attemptProgram({
    project: BOOTSTRAP_PROJECT,
    stack: opts.stack,
    config,
    preview: opts.preview,
    mocks: new CloudMocks({ region: config["aws:region"] ?? "ap-northeast-2" }),
    program: async () => (await import("../../stacks/bootstrapProgram")).bootstrapProgram(),
  });
  return { ...result, placeholders: [] };
}

/** The bootstrap stack the platform config names, run offline, as the StackReference would read it. */
async function bootstrapReferences(config: Readonly<Record<string, string>>): Promise<Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>> {
  const name = bootstrapStackOf(config);
  if (name === undefined) return {};
  const stack = name.split("/").pop() ?? name;
  // The bootstrap stack is deployed on its own, by hand; the platform's `pulumi up` only reads it.
  // Its outputs depend only on its own stack file, so one run per process serves every platform run.
  const cached = bootstrapOutputs.get(stack);
  if (cached) return { [name]: cached };
  const run = await attemptBootstrap({ stack, preview: true });
  if (run.error !== undefined) throw run.error;
  const outputs = { outputs: run.outputs, secretOutputNames: [...run.secretOutputs] };
  bootstrapOutputs.set(stack, outputs);
  return { [name]: outputs };
}

const bootstrapOutputs = new Map<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>();

/**
 * A failover standby's primary stack (`entasis:failover.primaryStack`), run offline from its own
 * stack file as `npm run plan` runs it, as the standby's StackReference would read it. Its outputs
 * depend only on its stack file, so one run per process serves every standby run.
 */
async function primaryReferences(config: Readonly<Record<string, string>>, given: Readonly<Record<string, unknown>>): Promise<Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>> {
  const name = primaryStackOf(config);
  if (name === undefined || name in given) return {};
  const cached = primaryOutputs.get(name);
  if (cached) return { [name]: cached };
  const run = await attemptStack({ stack: name.split("/").pop() ?? name, placeholderSecrets: true });
  if (run.error !== undefined) throw run.error;
  const outputs = { outputs: run.outputs, secretOutputNames: [...run.secretOutputs] };
  primaryOutputs.set(name, outputs);
  return { [name]: outputs };
}

const primaryOutputs = new Map<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>();

export interface ProgramRunOptions {
  readonly project: string;
  readonly stack: string;
  /** `ns:key` -> text, as the Pulumi CLI passes config to a program. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  /** Default true (`pulumi preview`). */
  readonly preview?: boolean;
  readonly mocks: CloudMocks;
  /** Runs the program and returns its stack outputs. */
  readonly program: () => Promise<unknown>;
}

/**
 * Runs any Pulumi program in-process under the given mocks and records what it registers: the
 * platform itself (attemptStack) or a program that consumes it (examples/app-team).
 */
export async function attemptProgram(opts: ProgramRunOptions): Promise<Omit<RunResult, "placeholders">> {
  const monitor = new RecordingMonitor(opts.mocks);
  await pulumi.runtime.setMocks(opts.mocks, opts.project, opts.stack, opts.preview ?? true);
  pulumi.runtime.setMockOptions(monitor, opts.project, opts.stack, opts.preview ?? true);
  pulumi.runtime.setAllConfig({ ...opts.config }, [...(opts.secretKeys ?? [])]);

  const failures: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    failures.push(reason);
  };
  process.on("unhandledRejection", onRejection);
  // Without an engine, pulumi.log.warn writes to console.warn; keep the program's warnings as data.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]): void => {
    const text = args.map(String).join(" ");
    if (text.startsWith("warning: [runtime] ")) warnings.push(text.slice("warning: [runtime] ".length));
    else consoleWarn(...args);
  };
  let error: unknown;
  const restoreStackTraces = cheapStackTraces();
  try {
    // A throw (e.g. ConfigError) is what `pulumi up` would report; catch it here so the stack
    // still completes and nothing else rejects behind our back.
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return await opts.program();
      } catch (e) {
        error = e;
        return {};
      }
    });
    await pulumi.runtime.disconnect();
  } catch (e) {
    error = error ?? e;
  } finally {
    // Let late rejections surface before the listener goes.
    await new Promise((r) => setImmediate(r));
    process.off("unhandledRejection", onRejection);
    console.warn = consoleWarn;
    restoreStackTraces();
  }
  return {
    stack: opts.stack,
    resources: monitor.recorded,
    outputs: monitor.stackOutputs,
    secretOutputs: monitor.secretOutputs,
    calls: opts.mocks.calls,
    warnings,
    error: error ?? failures[0],
  };
}

/**
 * @pulumi/pulumi takes a stack trace for every promise it tracks (runtime/debuggable.js) and an
 * unlimited one for every resource's source position (resource.js callsites); with ts-node's or
 * jest's source-map formatter that was two thirds of a run's CPU. The engine is the only reader of
 * those positions and there is none offline: no frames and no formatting until the returned
 * function restores both.
 */
export function cheapStackTraces(): () => void {
  const { prepareStackTrace, stackTraceLimit } = Error;
  Error.stackTraceLimit = 0;
  Error.prepareStackTrace = (e: Error): string => `${e.name}: ${e.message}`;
  return () => {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  };
}

/** Like attemptStack, but throws when the program fails. */
export async function runStack(opts: RunOptions): Promise<StackRunResult> {
  const result = await attemptStack(opts);
  if (result.error !== undefined) throw result.error;
  return result;
}
