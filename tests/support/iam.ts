/**
 * A small IAM policy evaluator for tests: explicit Deny wins, then any Allow, else implicit deny
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * It matches Action/NotAction, Resource/NotResource, Principal/NotPrincipal (AWS ARNs, `*`,
 * Service) with `*` and `?` wildcards, and the condition operators the platform's policies use:
 * StringEquals, StringNotEquals, StringLike, StringNotLike, ArnEquals, ArnLike, ArnNotEquals,
 * ArnNotLike, Bool, Null, NumericLessThan(Equals), NumericGreaterThan(Equals); `IfExists` and
 * `ForAnyValue:` prefixes are understood. Keys are compared case-insensitively, as IAM does.
 */

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
  /** Principal ARN (aws:PrincipalArn), or a service principal such as `backup.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
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

function principalMatches(p: Statement["Principal"], principal: string): boolean {
  if (p === undefined) return true; // identity policy: the attached principal
  if (p === "*") return true;
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
  const ctx = { "aws:PrincipalArn": req.principal, ...(req.context ?? {}) };
  const actionOk = s.Action !== undefined ? list(s.Action).some((a) => wildcard(a, req.action, true)) : !list(s.NotAction).some((a) => wildcard(a, req.action, true));
  const resourceOk = s.Resource !== undefined ? list(s.Resource).some((r) => wildcard(r, req.resource)) : s.NotResource !== undefined ? !list(s.NotResource).some((r) => wildcard(r, req.resource)) : true;
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
