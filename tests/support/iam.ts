/**
 * A small IAM policy evaluator for tests: explicit Deny wins, then any Allow, else implicit deny
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * It matches Action/NotAction, Resource/NotResource, Principal/NotPrincipal (AWS ARNs, `*`,
 * Service) with `*` and `?` wildcards, and the condition operators the platform's policies use:
 * StringEquals, StringNotEquals, StringLike, StringNotLike, ArnEquals, ArnLike, ArnNotEquals,
 * ArnNotLike, StringEqualsIgnoreCase, Bool, Null, NumericLessThan(Equals), NumericGreaterThan(Equals);
 * `IfExists` and `ForAnyValue:` prefixes are understood. Keys are compared case-insensitively, as IAM
 * does. Anything else (an operator it does not know, a statement with neither Action nor NotAction,
 * a managed policy it does not model) throws, so a policy it cannot judge fails the test instead of
 * passing it. It is the one evaluator of the tests: identity, resource and trust policies alike.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { RecordedResource, RunResult } from "../../tools/offline/harness";
import { jsonInput, ofType } from "./query";

export type Json = Record<string, unknown>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: "*" | Record<string, string | string[]>;
  readonly NotPrincipal?: Record<string, string | string[]>;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface Request {
  /**
   * The caller: a principal ARN (aws:PrincipalArn) or a service principal such as
   * `backup.amazonaws.com`; or, for trust policies, by kind, e.g. `{ Federated: <provider arn> }`.
   * Absent: an identity policy's own principal (statements naming a Principal do not match).
   */
  readonly principal?: string | Readonly<Record<string, string>>;
  readonly action: string;
  /** Default "*". */
  readonly resource?: string;
  /** Condition keys of the request (aws:SourceAccount, aws:PrincipalArn is filled from principal). */
  readonly context?: Readonly<Record<string, string | readonly string[] | boolean | number>>;
}

export type Decision = "Allow" | "Deny" | "ImplicitDeny";

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export function statementsOf(doc: Json): Statement[] {
  const s = doc.Statement;
  return (Array.isArray(s) ? s : [s]) as Statement[];
}

function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "");
  return re.test(value);
}

function principalMatches(p: Statement["Principal"], principal: Request["principal"]): boolean {
  if (p === undefined) return true; // identity policy: the attached principal
  if (p === "*") return true;
  if (principal === undefined) return false;
  if (typeof principal !== "string") return Object.entries(p).some(([kind, values]) => principal[kind] !== undefined && list(values).some((v) => v === "*" || v === principal[kind]));
  const values = [...list(p.AWS), ...list(p.Service), ...list(p.Federated)];
  return values.some((v) => v === "*" || v === principal || (v.endsWith(":root") && principal.startsWith(v.slice(0, -"root".length))));
}

function conditionHolds(cond: Statement["Condition"], ctx: Readonly<Record<string, unknown>>): boolean {
  if (!cond) return true;
  const lookup = (key: string): unknown => Object.entries(ctx).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  return Object.entries(cond).every(([rawOp, pairs]) => {
    const anyValue = rawOp.startsWith("ForAnyValue:");
    const ifExists = rawOp.endsWith("IfExists");
    const op = rawOp.replace(/^For(Any|All)Value:/, "").replace(/IfExists$/, "");
    return Object.entries(pairs).every(([key, expectedRaw]) => {
      const expected = list(expectedRaw);
      const actual = lookup(key);
      if (op === "Null") return (actual === undefined) === (expected[0] === "true");
      if (actual === undefined) return ifExists || op.includes("Not");
      const actuals = list(actual);
      const test = (a: string): boolean => {
        switch (op) {
          case "StringEquals":
          case "ArnEquals":
            return expected.includes(a);
          case "StringEqualsIgnoreCase":
            return expected.some((e) => e.toLowerCase() === a.toLowerCase());
          case "StringNotEquals":
          case "ArnNotEquals":
            return !expected.includes(a);
          case "StringLike":
          case "ArnLike":
            return expected.some((e) => wildcard(e, a));
          case "StringNotLike":
          case "ArnNotLike":
            return !expected.some((e) => wildcard(e, a));
          case "Bool":
            return expected.includes(String(a));
          case "NumericLessThan":
            return Number(a) < Number(expected[0]);
          case "NumericLessThanEquals":
            return Number(a) <= Number(expected[0]);
          case "NumericGreaterThan":
            return Number(a) > Number(expected[0]);
          case "NumericGreaterThanEquals":
            return Number(a) >= Number(expected[0]);
          default:
            throw new Error(`iam evaluator: condition operator ${rawOp} not supported`);
        }
      };
      return anyValue || !op.includes("Not") ? actuals.some(test) : actuals.every(test);
    });
  });
}

export function statementApplies(s: Statement, req: Request): boolean {
  const ctx = { ...(typeof req.principal === "string" ? { "aws:PrincipalArn": req.principal } : {}), ...(req.context ?? {}) };
  const resource = req.resource ?? "*";
  if (s.Action === undefined && s.NotAction === undefined) throw new Error(`iam evaluator: statement ${s.Sid ?? ""} has neither Action nor NotAction`);
  const actionOk = s.Action !== undefined ? list(s.Action).some((a) => wildcard(a, req.action, true)) : !list(s.NotAction).some((a) => wildcard(a, req.action, true));
  // A trust policy carries no Resource: it applies to the role it is attached to.
  const resourceOk = s.Resource !== undefined ? list(s.Resource).some((r) => wildcard(r, resource)) : s.NotResource !== undefined ? !list(s.NotResource).some((r) => wildcard(r, resource)) : true;
  const principalOk = s.NotPrincipal ? !principalMatches(s.NotPrincipal, req.principal) : principalMatches(s.Principal, req.principal);
  return actionOk && resourceOk && principalOk && conditionHolds(s.Condition, ctx);
}

/** The decision of a set of policies (resource and identity policies of one account) on a request. */
export function evaluate(docs: readonly Json[], req: Request): Decision {
  const statements = docs.flatMap(statementsOf);
  if (statements.some((s) => s.Effect === "Deny" && statementApplies(s, req))) return "Deny";
  return statements.some((s) => s.Effect === "Allow" && statementApplies(s, req)) ? "Allow" : "ImplicitDeny";
}

/** Read-only by IAM's naming: Describe*, Get*, List*. */
export function isReadOnlyAction(action: string): boolean {
  return /^[a-z0-9-]+:(Describe|Get|List)/i.test(action);
}

/** Allow statements that grant a non-read action on `*` without any condition. */
export function unconditionedWritesOnStar(doc: Json): { sid?: string; actions: string[] }[] {
  return statementsOf(doc)
    .filter((s) => s.Effect === "Allow" && s.Condition === undefined && list(s.Resource).includes("*"))
    .map((s) => ({ sid: s.Sid, actions: list(s.Action).filter((a) => !isReadOnlyAction(a)) }))
    .filter((x) => x.actions.length > 0 || false);
}

/**
 * AWS managed policies a role of ours may carry, by name, with their real documents. Only those
 * whose content is trivially stable are modelled; any other attachment makes rolePolicies throw.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
 */
export const MANAGED_POLICIES: Readonly<Record<string, Json>> = {
  AdministratorAccess: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** Every identity policy of the recorded role: its inline RolePolicy resources and its managed attachments. */
export function rolePolicies(run: RunResult, role: RecordedResource): Json[] {
  const bound = (r: RecordedResource, prop: string): boolean => (r.propertyDependencies[prop] ?? []).includes(role.urn);
  const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => bound(p, "role")).map((p) => jsonInput(p, "policy"));
  const managed = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((a) => bound(a, "role"))
    .map((a) => {
      const name = String(a.inputs.policyArn).split("/").pop() ?? "";
      const doc = MANAGED_POLICIES[name];
      if (!doc) throw new Error(`${role.name} carries managed policy ${String(a.inputs.policyArn)}, which tests/support/iam.ts does not model`);
      return doc;
    });
  return [...inline, ...managed];
}
