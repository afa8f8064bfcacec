import * as fs from "fs";
import * as path from "path";
import { EnforcementLevel, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { Rule } from "../../policy/rules";

/**
 * An offline CrossGuard: applies each rule's validateResource / validateStack to recorded
 * resources the way `@pulumi/policy`'s analyzer server does (node_modules/@pulumi/policy/server.js):
 * per-policy enforcement level from the pack config (`all`, then the policy's own entry), props
 * wrapped in the SDK's unknown-checking proxy, `notApplicable` as a thrown signal, an
 * UnknownValueError turned into an advisory "can't run during preview", violations collected per
 * policy. What it cannot reproduce: the engine's provider Check (provider-filled defaults and
 * autonames are not in the props here), stackTags (always empty), provider props, and the real
 * engine's unknowns (simulated with `firstPreview`, see below).
 */

/** What the runner needs of a resource; `RecordedResource` from the harness satisfies it. */
export interface PolicyInput {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** Outputs, for stack rules. Default: the inputs. */
  readonly state?: Record<string, unknown>;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly protect?: boolean;
  readonly ignoreChanges?: readonly string[];
  readonly deleteBeforeReplace?: boolean;
}

export interface Finding {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly urn: string;
  readonly message: string;
}

export interface PolicyReport {
  /** Violations, at the level the config gives their policy. */
  readonly findings: readonly Finding[];
  /** Validations that touched a value unknown during preview (CrossGuard reports these as advisory). */
  readonly cannotRun: readonly Finding[];
  /** Per policy, how many resources it applied to (stack policies: 1 when they ran). */
  readonly applied: Readonly<Record<string, number>>;
}

type PolicyConfigValue = EnforcementLevel | { readonly enforcementLevel?: EnforcementLevel; readonly [key: string]: unknown };
export type PolicyConfigFile = Readonly<Record<string, PolicyConfigValue>>;

export const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

export function loadPolicyConfig(stack: string): PolicyConfigFile {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "config", `${stack}.json`), "utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`policy/config/${stack}.json is not an object`);
  const out: Record<string, PolicyConfigValue> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (isLevel(v)) out[k] = v;
    else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const level: unknown = Reflect.get(v, "enforcementLevel");
      if (level !== undefined && !isLevel(level)) throw new Error(`policy/config/${stack}.json: ${k}.enforcementLevel ${String(level)} is not a level`);
      out[k] = { ...Object.fromEntries(Object.entries(v)), enforcementLevel: level };
    } else throw new Error(`policy/config/${stack}.json: ${k} is neither a level nor an object`);
  }
  return out;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];
function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && LEVELS.includes(v);
}

/** The CLI expands `all` into every policy's entry; an explicit entry wins. */
export function levelOf(rule: Rule, config: PolicyConfigFile = {}): EnforcementLevel {
  const own = config[rule.name];
  const ownLevel = typeof own === "string" ? own : own?.enforcementLevel;
  const all = config.all;
  const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
  return ownLevel ?? allLevel ?? rule.enforcementLevel ?? "advisory";
}

function configOf(rule: Rule, config: PolicyConfigFile): Record<string, unknown> {
  const own = config[rule.name];
  if (typeof own !== "object") return {};
  return Object.fromEntries(Object.entries(own).filter(([k]) => k !== "enforcementLevel"));
}

// The SDK's proxy and sentinels are @internal (absent from its .d.ts); load them at run time so the
// runner throws exactly what CrossGuard throws. See node_modules/@pulumi/policy/proxy.js.
interface ProxyModule {
  unknownCheckingProxy<T extends object>(o: T): T;
  UnknownValueError: new (...args: never[]) => Error;
  unknownStringValue: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyModule: ProxyModule = require("@pulumi/policy/proxy");

/** Thrown by `notApplicable()` for every resource a rule skips: thousands per run, so no stack trace (nobody reads it). */
class NotApplicable extends Error {
  constructor(reason?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(reason);
    Error.stackTraceLimit = limit;
  }
}

/** Freezes a plain JSON value in place: a rule that tried to change the props it was handed would throw. */
function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

function typeOfClass(resourceClass: object): string | undefined {
  const t: unknown = Reflect.get(resourceClass, "__pulumiType");
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

function isTypeOf(type: string, resourceClass: object): boolean {
  const t = typeOfClass(resourceClass);
  if (t !== undefined) return t === type;
  const isInstance: unknown = Reflect.get(resourceClass, "isInstance");
  return typeof isInstance === "function" && Reflect.apply(isInstance, resourceClass, [{ __pulumiType: type }]) === true;
}

/**
 * In a first `pulumi preview`, nothing exists yet: a value that flows from another resource's
 * computed outputs (an id, an ARN, a string built from one) is unknown. Approximated from the
 * record: a string leaf under an input with property dependencies is unknown when it contains the
 * mock id (`<name>-id`, tools/offline/mocks.ts) or a computed output of one of those dependencies.
 */
function withPreviewUnknowns(r: PolicyInput, byUrn: ReadonlyMap<string, PolicyInput>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r.inputs };
  for (const [prop, deps] of Object.entries(r.propertyDependencies ?? {})) {
    if (!(prop in out)) continue;
    const computed = new Set<string>();
    for (const urn of deps) {
      const dep = byUrn.get(urn);
      if (!dep) continue;
      computed.add(`${dep.name}-id`);
      for (const [k, v] of Object.entries(dep.state ?? {})) {
        if (typeof v === "string" && v.length >= 8 && k !== "name" && !(k in dep.inputs)) computed.add(v);
      }
    }
    const mark = (v: unknown): unknown => {
      if (typeof v === "string") return [...computed].some((c) => v.includes(c)) ? proxyModule.unknownStringValue : v;
      if (Array.isArray(v)) return v.map(mark);
      if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mark(x)]));
      return v;
    };
    out[prop] = mark(out[prop]);
  }
  return out;
}

export interface EvaluateOptions {
  /** Parsed `policy/config/<stack>.json`. Default: none (each rule's own level). */
  readonly config?: PolicyConfigFile;
  /** Simulate the first `pulumi preview` of the stack: outputs of other resources are unknown. */
  readonly firstPreview?: boolean;
}

function options(r: PolicyInput): PolicyResourceOptions {
  return {
    protect: r.protect ?? false,
    ignoreChanges: [...(r.ignoreChanges ?? [])],
    deleteBeforeReplace: r.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: r.parent,
  };
}

export async function evaluatePolicies(rules: readonly Rule[], resources: readonly PolicyInput[], opts: EvaluateOptions = {}): Promise<PolicyReport> {
  const config = opts.config ?? {};
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const findings: Finding[] = [];
  const cannotRun: Finding[] = [];
  const applied: Record<string, number> = {};
  // Untyped JSON, as the SDK's own server hands it out (server.js deserializes to plain JSON and
  // asType returns it as the typed args): the policies, not the runner, give props their type.
  // Built once per resource and mode for all rules (frozen, so no rule can change what the next one sees).
  const propsCache = new Map<string, ReturnType<typeof JSON.parse>>();
  const propsOf = (r: PolicyInput, stack: boolean) => {
    const key = `${stack ? "stack" : "resource"} ${r.urn}`;
    let json = propsCache.get(key);
    if (!json) {
      const base = stack ? { ...r.inputs, ...(r.state ?? {}) } : r.inputs;
      const raw = opts.firstPreview ? withPreviewUnknowns({ ...r, inputs: base }, byUrn) : base;
      json = deepFreeze(JSON.parse(JSON.stringify(raw)));
      propsCache.set(key, json);
    }
    return proxyModule.unknownCheckingProxy(json);
  };

  const run = async (rule: Rule, level: EnforcementLevel, urn: string, fn: () => Promise<void> | void): Promise<void> => {
    try {
      await fn();
      applied[rule.name] = (applied[rule.name] ?? 0) + 1;
    } catch (e) {
      if (e instanceof NotApplicable) return;
      applied[rule.name] = (applied[rule.name] ?? 0) + 1;
      if (e instanceof proxyModule.UnknownValueError) {
        cannotRun.push({ policy: rule.name, level: "advisory", urn, message: `can't run policy '${rule.name}' during preview: ${e.message}` });
        return;
      }
      throw new Error(`Error validating ${urn} with policy '${rule.name}' (${level}): ${String(e)}`);
    }
  };

  for (const rule of rules) {
    const level = levelOf(rule, config);
    if (level === "disabled") continue;
    const reportLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const getConfig = <T extends object>(): T => {
      const c: T = Object.assign(Object.create(null), configOf(rule, config));
      return c;
    };
    const notApplicable = (reason?: string): never => {
      throw new NotApplicable(reason);
    };

    if ("validateResource" in rule && rule.validateResource) {
      const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
      for (const r of resources) {
        for (const validate of validations) {
          const props = propsOf(r, false);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: options(r),
            stackTags: new Map(),
            isType: (cls) => isTypeOf(r.type, cls),
            asType: (cls) => (isTypeOf(r.type, cls) ? props : undefined),
            getConfig,
            notApplicable,
          };
          await run(rule, reportLevel, r.urn, () => validate(args, (message) => findings.push({ policy: rule.name, level: reportLevel, urn: r.urn, message })));
        }
      }
    }

    if ("validateStack" in rule) {
      const policyResources = new Map<string, PolicyResource>();
      for (const r of resources) {
        const props = propsOf(r, true);
        policyResources.set(r.urn, {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls) => isTypeOf(r.type, cls),
          asType: (cls) => (isTypeOf(r.type, cls) ? props : undefined),
        });
      }
      for (const r of resources) {
        const pr = policyResources.get(r.urn);
        if (!pr) continue;
        const resolve = (urns: readonly string[]): PolicyResource[] => urns.flatMap((u) => policyResources.get(u) ?? []);
        pr.parent = r.parent ? policyResources.get(r.parent) : undefined;
        pr.dependencies = resolve(r.dependencies ?? []);
        pr.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, resolve(v)]));
      }
      const args: StackValidationArgs = { resources: [...policyResources.values()], stackTags: new Map(), getConfig, notApplicable };
      await run(rule, reportLevel, "(stack)", () =>
        rule.validateStack(args, (message, urn) => findings.push({ policy: rule.name, level: reportLevel, urn: urn ?? "(stack)", message })),
      );
    }
  }
  return { findings, cannotRun, applied };
}
