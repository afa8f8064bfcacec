import { RunResult, attemptBootstrap } from "../tools/offline/harness";
import { jsonInput, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";
import { evaluate, statementsOf } from "./support/iam";

// Every role an AWS service assumes names the account it may act for (aws:SourceAccount). IRSA
// roles trust the cluster's OIDC provider (sts:AssumeRoleWithWebIdentity, bound to one service
// account by sub/aud conditions): web-identity trusts, not service trusts, so not in scope here.

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
  for (const env of ["dev", "prod"]) {
    const b = await attemptBootstrap({ stack: env });
    if (b.error) throw b.error;
    runs[`bootstrap-${env}`] = b;
  }
});

const ACCOUNT = "123456789012";
const OTHER = "210987654321";

interface Trust {
  role: string;
  services: string[];
  webIdentity: boolean;
  doc: Record<string, unknown>;
}

function trusts(run: RunResult): Trust[] {
  return ofType(run, "aws:iam/role:Role").map((r) => {
    const doc = jsonInput(r, "assumeRolePolicy");
    const statements = statementsOf(doc);
    const services = statements.flatMap((s) => (typeof s.Principal === "object" && s.Principal.Service ? [s.Principal.Service].flat() : []));
    const webIdentity = statements.some((s) => typeof s.Principal === "object" && s.Principal.Federated !== undefined);
    return { role: r.name, services, webIdentity, doc };
  });
}

describe.each(["dev", "prod", "bootstrap-dev", "bootstrap-prod"])("%s: service trusts", (stack) => {
  test("every role is a service trust with aws:SourceAccount or an IRSA web-identity trust", () => {
    const all = trusts(runs[stack]);
    const service = all.filter((t) => t.services.length > 0);
    const irsa = all.filter((t) => t.webIdentity);
    expect(service.length + irsa.length).toBe(all.length);
    expect(service.length).toBeGreaterThanOrEqual(stack.startsWith("bootstrap") ? 1 : 5);
    for (const t of service) {
      for (const s of statementsOf(t.doc)) {
        const cond = s.Condition ?? {};
        const keys = Object.values(cond).flatMap((pairs) => Object.keys(pairs));
        expect([t.role, keys]).toEqual([t.role, expect.arrayContaining(["aws:SourceAccount"])]);
      }
    }
  });

  test("a service acting for another account is refused, for this account allowed", () => {
    const service = trusts(runs[stack]).filter((t) => t.services.length > 0);
    for (const t of service) {
      const svc = t.services[0];
      // The mock account id stands for this account; a source ARN condition gets its own ARN, in the requesting account.
      const arn = statementsOf(t.doc).flatMap((s) => Object.values(s.Condition ?? {}).flatMap((pairs) => (typeof pairs["aws:SourceArn"] === "string" ? [pairs["aws:SourceArn"]] : [])))[0];
      const sourceArn = (account: string): Record<string, string> => (arn ? { "aws:SourceArn": arn.replace(ACCOUNT, account) } : {});
      const req = (account: string) => ({ principal: svc, action: "sts:AssumeRole", resource: "*", context: { "aws:SourceAccount": account, ...sourceArn(account) } });
      expect([t.role, evaluate([t.doc], req(OTHER))]).toEqual([t.role, "ImplicitDeny"]);
      expect([t.role, evaluate([t.doc], req(ACCOUNT))]).toEqual([t.role, "Allow"]);
    }
  });
});
