import { Resource, Unwrap } from "@pulumi/pulumi";
import { PolicyComplianceFramework, PolicyConfigSchema, PolicyResource, ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationArgs, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/**
 * What this pack adds to a CrossGuard policy: the control it implements and, for the rules dev
 * deliberately relaxes, why. `policy/config/<stack>.json` is derived from `devAdvisory` (and a test
 * keeps the two in step).
 */
export interface RuleMeta {
  /** Control identifier as the framework writes it, e.g. `RDS.3` or `5.4.2`. */
  readonly control: string;
  /** Why dev runs this rule as advisory; absent when it is mandatory everywhere. */
  readonly devAdvisory?: string;
}

export type ResourceRule = ResourceValidationPolicy & RuleMeta;
export type StackRule = StackValidationPolicy & RuleMeta;
export type Rule = ResourceRule | StackRule;

type FrameworkId = "FSBP" | "CIS-EKS" | "EKS-BP" | "TAGGING" | "AWS-CONFIG" | "NIST";

const FRAMEWORKS: Record<FrameworkId, { readonly name: string; readonly version: string; readonly label: string }> = {
  FSBP: { name: "AWS Foundational Security Best Practices", version: "1.0.0", label: "FSBP" },
  // Section numbers as in CIS Amazon EKS Benchmark v1.0.1 (4.2 pod security, 5.3 KMS, 5.4 networking).
  "CIS-EKS": { name: "CIS Amazon EKS Benchmark", version: "1.0.1", label: "CIS EKS" },
  "EKS-BP": { name: "Amazon EKS Best Practices Guide", version: "2025", label: "EKS Best Practices" },
  TAGGING: { name: "AWS Resource Tagging Standard", version: "1.0.0", label: "AWS Tagging Standard" },
  "AWS-CONFIG": { name: "AWS Config managed rules", version: "2025", label: "AWS Config" },
  NIST: { name: "NIST SP 800-53", version: "Rev. 5", label: "NIST 800-53" },
};

export interface Control {
  readonly framework: FrameworkId;
  /** Control id, e.g. `RDS.3`. */
  readonly id: string;
  /** The control's title, as the framework words it. */
  readonly title: string;
}

export function frameworkOf(c: Control): PolicyComplianceFramework {
  const f = FRAMEWORKS[c.framework];
  return { name: f.name, version: f.version, reference: c.id, specification: c.title };
}

/** `FSBP RDS.3`: how descriptions and the README name a control. */
export function controlLabel(c: Control): string {
  return `${FRAMEWORKS[c.framework].label} ${c.id}`;
}

interface RuleSpec {
  readonly name: string;
  readonly control: Control;
  /** What the rule demands, in one or two sentences. */
  readonly description: string;
  readonly severity: Severity;
  readonly devAdvisory?: string;
  readonly remediationSteps?: string;
  /** Settings a stack's policy config may give this rule (defaults are prod's values, in code). */
  readonly configSchema?: PolicyConfigSchema;
}

function describe(spec: RuleSpec): string {
  const level = spec.devAdvisory ? ` Mandatory in prod; advisory in dev because ${spec.devAdvisory}` : " Mandatory in every stack.";
  return `[${controlLabel(spec.control)}: ${spec.control.title}] ${spec.description}${level}`;
}

/** What every rule of the pack carries besides its validation: mandatory by default, so a stack without a config file is held to prod's bar. */
function ruleBase(spec: RuleSpec): Omit<ResourceRule, "validateResource"> {
  return {
    name: spec.name,
    description: describe(spec),
    enforcementLevel: "mandatory",
    severity: spec.severity,
    framework: frameworkOf(spec.control),
    remediationSteps: spec.remediationSteps,
    configSchema: spec.configSchema,
    control: controlLabel(spec.control),
    devAdvisory: spec.devAdvisory,
  };
}

/** A resource rule. */
export function resourceRule(spec: RuleSpec & { readonly validateResource: ResourceValidationPolicy["validateResource"] }): ResourceRule {
  return { ...ruleBase(spec), validateResource: spec.validateResource };
}

export function stackRule(spec: RuleSpec & { readonly validateStack: StackValidationPolicy["validateStack"] }): StackRule {
  return { ...ruleBase(spec), validateStack: spec.validateStack };
}

/** What a check found wrong with one resource: each string is reported; `false` / `undefined` entries are checks that passed. */
export type Problems = readonly (string | false | undefined)[];

/** A resource class of the typed SDK, as `validateResourceOfType` takes it. */
export type ResourceClass<TResource extends Resource, TArgs> = Parameters<typeof validateResourceOfType<TResource, TArgs>>[0];

/** A typed validation of one resource type that reports every problem `check` returns. */
export function checkOf<TResource extends Resource, TArgs>(type: ResourceClass<TResource, TArgs>, check: (props: Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs) => Problems): ResourceValidation {
  return validateResourceOfType(type, (props, args, report) => {
    for (const problem of check(props, args)) if (problem) report(problem);
  });
}

/** The common rule shape: one resource type, one check that lists the resource's problems. */
export function typeRule<TResource extends Resource, TArgs>(
  spec: RuleSpec & { readonly type: ResourceClass<TResource, TArgs>; readonly check: (props: Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs) => Problems },
): ResourceRule {
  return resourceRule({ ...spec, validateResource: checkOf(spec.type, spec.check) });
}

/** A stack rule that judges each resource on its own (its dependencies at hand); each problem is reported on the resource. */
export function eachResource(check: (r: PolicyResource, args: StackValidationArgs) => Problems): StackValidationPolicy["validateStack"] {
  return (args, report) => {
    for (const r of args.resources) for (const problem of check(r, args)) if (problem) report(problem, r.urn);
  };
}

/**
 * True when the input is present, without reading it. Values that come from another resource's
 * outputs (a key ARN, a group id) are unknown in a first `pulumi preview`, and CrossGuard turns a
 * read of an unknown into an advisory "can't run during preview"; `in` does not read.
 */
export function isSet(props: object, key: string): boolean {
  return key in props;
}

/** The shared check of every "encrypt with our own key" rule: the key input is present (its ARN may be unknown in a preview). */
export function customerKeyProblem(props: object, key: string): string | false {
  return !isSet(props, key) && `${key} must name a customer-managed key.`;
}

/** The same validation applied to several resource types (the SDK's typed args differ per type). */
export type Check = (args: ResourceValidationArgs, report: ReportViolation) => void;

export const WORLD_V4 = "0.0.0.0/0";
export const WORLD_V6 = "::/0";
export function isWorld(cidr: string | undefined): boolean {
  return cidr === WORLD_V4 || cidr === WORLD_V6;
}
