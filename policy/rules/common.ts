import { PolicyComplianceFramework, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";

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

/** A resource rule: mandatory by default, so a stack without a config file is held to prod's bar. */
export function resourceRule(spec: RuleSpec & { readonly validateResource: ResourceValidationPolicy["validateResource"] }): ResourceRule {
  return {
    name: spec.name,
    description: describe(spec),
    enforcementLevel: "mandatory",
    severity: spec.severity,
    framework: frameworkOf(spec.control),
    remediationSteps: spec.remediationSteps,
    configSchema: spec.configSchema,
    validateResource: spec.validateResource,
    control: controlLabel(spec.control),
    devAdvisory: spec.devAdvisory,
  };
}

export function stackRule(spec: RuleSpec & { readonly validateStack: StackValidationPolicy["validateStack"] }): StackRule {
  return {
    name: spec.name,
    description: describe(spec),
    enforcementLevel: "mandatory",
    severity: spec.severity,
    framework: frameworkOf(spec.control),
    remediationSteps: spec.remediationSteps,
    configSchema: spec.configSchema,
    validateStack: spec.validateStack,
    control: controlLabel(spec.control),
    devAdvisory: spec.devAdvisory,
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

/** The same validation applied to several resource types (the SDK's typed args differ per type). */
export type Check = (args: ResourceValidationArgs, report: ReportViolation) => void;

export const WORLD_V4 = "0.0.0.0/0";
export const WORLD_V6 = "::/0";
export function isWorld(cidr: string | undefined): boolean {
  return cidr === WORLD_V4 || cidr === WORLD_V6;
}
