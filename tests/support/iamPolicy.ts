/**
 * A small IAM policy evaluator for tests: explicit Deny wins, then any Allow, else implicit deny.
 * It knows Action/NotAction, Resource/NotResource, Principal (Federated, Service, AWS) and the
 * condition operators below (with IfExists); anything else throws, so a policy using an operator it
 * cannot judge fails the test instead of passing it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { RecordedResource, RunResult } from "../../tools/offline/harness";
import { jsonInput, ofType } from "./query";

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | "*";
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>>;
}
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Statement | readonly Statement[];
}

export interface IamRequest {
  readonly action: string;
  /** Default "*". */
  readonly resource?: string;
  /** Condition keys of the request (case-insensitive names). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The caller, for resource and trust policies: e.g. { Federated: <provider arn> }. */
  readonly principal?: Readonly<Record<string, string>>;
}

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

const list = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T]);

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, caseInsensitive ? "is" : "s");
  return re.test(value);
}

function statementsOf(doc: PolicyDocument): readonly Statement[] {
  return list(doc.Statement);
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => wildcard(a, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcard(a, action, true));
  throw new Error(`statement ${s.Sid ?? ""} has neither Action nor NotAction`);
}

function resourceMatches(s: Statement, resource: string, isTrust: boolean): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((r) => wildcard(r, resource));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcard(r, resource));
  return isTrust; // trust policies carry no Resource
}

function principalMatches(s: Statement, principal: Readonly<Record<string, string>> | undefined): boolean {
  if (s.Principal === undefined) return true; // identity policies
  if (s.Principal === "*") return true;
  if (!principal) return false;
  return Object.entries(s.Principal).some(([kind, values]) => principal[kind] !== undefined && list(values).some((v) => v === "*" || v === principal[kind]));
}

function contextValue(ctx: IamRequest["context"], key: string): readonly string[] | undefined {
  const found = Object.entries(ctx ?? {}).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return found ? list(found[1]) : undefined;
}

function conditionHolds(op: string, key: string, expected: readonly string[], ctx: IamRequest["context"]): boolean {
  const ifExists = op.endsWith("IfExists");
  const base = ifExists ? op.slice(0, -"IfExists".length) : op;
  const actual = contextValue(ctx, key);
  const negated = base.startsWith("StringNot") || base.startsWith("ArnNot");
  if (actual === undefined) return ifExists || negated;
  const one = (a: string): boolean => {
    switch (base) {
      case "StringEquals":
      case "ArnEquals":
        return expected.some((e) => e === a);
      case "StringEqualsIgnoreCase":
        return expected.some((e) => e.toLowerCase() === a.toLowerCase());
      case "StringLike":
      case "ArnLike":
        return expected.some((e) => wildcard(e, a));
      case "StringNotEquals":
      case "ArnNotEquals":
        return !expected.some((e) => e === a);
      case "StringNotLike":
      case "ArnNotLike":
        return !expected.some((e) => wildcard(e, a));
      case "Bool":
        return expected.some((e) => e.toLowerCase() === a.toLowerCase());
      default:
        throw new Error(`condition operator ${op} is not modelled by tests/support/iamPolicy.ts`);
    }
  };
  return actual.some(one);
}

function conditionsHold(s: Statement, ctx: IamRequest["context"]): boolean {
  return Object.entries(s.Condition ?? {}).every(([op, keys]) => Object.entries(keys).every(([key, values]) => conditionHolds(op, key, list(values).map(String), ctx)));
}

/** The decision of a set of policies (identity policies, or one trust policy) on one request. */
export function evaluate(policies: readonly PolicyDocument[], req: IamRequest, isTrust = false): Decision {
  const resource = req.resource ?? "*";
  const matching = policies.flatMap(statementsOf).filter((s) => principalMatches(s, req.principal) && actionMatches(s, req.action) && resourceMatches(s, resource, isTrust) && conditionsHold(s, req.context));
  if (matching.some((s) => s.Effect === "Deny")) return "explicit-deny";
  if (matching.some((s) => s.Effect === "Allow")) return "allow";
  return "implicit-deny";
}

/**
 * AWS managed policies a role of ours may carry, by name, with their real documents. Only those
 * whose content is trivially stable are modelled; any other attachment makes rolePolicies throw.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
 */
export const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  AdministratorAccess: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** Every identity policy of the recorded role: its inline RolePolicy resources and its managed attachments. */
export function rolePolicies(run: RunResult, role: RecordedResource): PolicyDocument[] {
  const bound = (r: RecordedResource, prop: string): boolean => (r.propertyDependencies[prop] ?? []).includes(role.urn);
  const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => bound(p, "role")).map((p) => jsonInput(p, "policy") as unknown as PolicyDocument);
  const managed = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((a) => bound(a, "role"))
    .map((a) => {
      const name = String(a.inputs.policyArn).split("/").pop() ?? "";
      const doc = MANAGED_POLICIES[name];
      if (!doc) throw new Error(`${role.name} carries managed policy ${String(a.inputs.policyArn)}, which tests/support/iamPolicy.ts does not model`);
      return doc;
    });
  return [...inline, ...managed];
}
