import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PREVIEW_GROUP } from "../components/deploy/previewAccess";
import { PREVIEW_READ_SERVICES } from "../components/deploy/previewReadPolicy";
import { AL2023_AMI_PARAMETER } from "../components/network/bastion";
import { RecordedResource, RunResult, attemptBootstrap } from "../tools/offline/harness";
import { evaluate, rolePolicies } from "./support/iam";
import { named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

/**
 * What pull-request code can do with the preview identity: in AWS, read configuration but no object,
 * secret value, parameter value or decrypted byte; in the cluster, dry-run but change nothing for real.
 */
const ENVS = ["dev", "prod"] as const;
const runs: Record<string, RunResult> = {};
const boots: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const env of ENVS) {
    runs[env] = await stackRun(env);
    boots[env] = await attemptBootstrap({ stack: env });
    if (boots[env].error) throw boots[env].error;
  }
});

const ACCOUNT = "123456789012";
const previewPolicies = (env: string) => rolePolicies(boots[env], named(boots[env], "preview-runner-role"));

describe.each(ENVS)("the %s preview role in AWS", (env) => {
  it("reads no S3 object, Secrets Manager value, SSM parameter value (SecureString or not) and decrypts nothing", () => {
    const parameter = `arn:aws:ssm:ap-northeast-2:${ACCOUNT}:parameter/entasis/${env}/trading-api/db-password`;
    const requests = [
      { action: "s3:GetObject", resource: `arn:aws:s3:::entasis-${env}-market-data/candles/2026/01/01.parquet` },
      { action: "s3:GetObjectVersion", resource: `arn:aws:s3:::entasis-${env}-velero/backups/daily/velero-backup.json` },
      { action: "s3:GetObjectAttributes", resource: `arn:aws:s3:::entasis-${env}-market-data/x` },
      { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:ap-northeast-2:${ACCOUNT}:secret:entasis-${env}-rds-master-AbCdEf` },
      { action: "secretsmanager:BatchGetSecretValue", resource: "*" },
      { action: "ssm:GetParameter", resource: parameter },
      { action: "ssm:GetParameters", resource: parameter },
      { action: "ssm:GetParametersByPath", resource: `arn:aws:ssm:ap-northeast-2:${ACCOUNT}:parameter/entasis/${env}` },
      { action: "ssm:GetParameterHistory", resource: parameter },
      // A SecureString value also needs KMS to decrypt it, through SSM or directly: denied both ways.
      { action: "kms:Decrypt", resource: `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context: { "kms:ViaService": "ssm.ap-northeast-2.amazonaws.com" } },
      { action: "kms:Decrypt", resource: "*" },
      { action: "kms:ReEncryptFrom", resource: "*" },
      { action: "kms:GenerateDataKey", resource: "*" },
      { action: "logs:GetLogEvents", resource: "*" },
      { action: "logs:StartQuery", resource: "*" },
      { action: "rds:DownloadDBLogFilePortion", resource: "*" },
      { action: "ec2:GetPasswordData", resource: "*" },
    ];
    for (const r of requests) expect({ ...r, decision: evaluate(previewPolicies(env), r) }).toEqual({ ...r, decision: expect.stringMatching(/Deny$/) });
    expect(requests.filter((r) => evaluate(previewPolicies(env), r) === "Deny")).toHaveLength(requests.length);
  });

  it("reads the configuration `pulumi preview` looks up and a refresh would read, and holds no managed policy", () => {
    expect(ofType(boots[env], "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("preview-runner"))).toEqual([]);
    const reads = [
      { action: "ssm:GetParameter", resource: `arn:aws:ssm:ap-northeast-2::parameter${AL2023_AMI_PARAMETER}` },
      { action: "eks:DescribeAddonVersions" },
      { action: "eks:DescribeCluster" },
      { action: "ec2:DescribeVpcs" },
      { action: "iam:GetRole" },
      { action: "iam:GetRolePolicy" },
      { action: "kms:DescribeKey" },
      { action: "kms:GetKeyPolicy" },
      { action: "s3:GetBucketPolicy" },
      { action: "s3:GetEncryptionConfiguration" },
      { action: "s3:ListBucket" },
      { action: "secretsmanager:DescribeSecret" },
      { action: "ssm:DescribeParameters" },
      { action: "rds:DescribeDBInstances" },
      { action: "backup:GetBackupVaultAccessPolicy" },
      { action: "codebuild:BatchGetProjects" },
      { action: "elasticloadbalancing:DescribeLoadBalancers" },
    ];
    for (const r of reads) expect({ ...r, decision: evaluate(previewPolicies(env), r) }).toEqual({ ...r, decision: "Allow" });
    // ... and writes, none.
    for (const action of ["s3:PutObject", "ec2:RunInstances", "iam:CreateRole", "ssm:PutParameter", "kms:CreateGrant", "secretsmanager:PutSecretValue"]) {
      expect({ action, decision: evaluate(previewPolicies(env), { action }) }).toEqual({ action, decision: "ImplicitDeny" });
    }
  });

  it("covers every AWS service of both programs with its configuration reads", () => {
    const modules = new Set([...runs[env].resources, ...boots[env].resources].filter((r) => r.type.startsWith("aws:") && r.custom).map((r) => r.type.split(":")[1].split("/")[0]));
    const prefix: Record<string, readonly string[]> = { cloudwatch: ["cloudwatch", "logs", "events"], lb: ["elasticloadbalancing"], vpc: ["ec2"] };
    expect(modules.size).toBeGreaterThanOrEqual(12);
    for (const m of modules) for (const p of prefix[m] ?? [m]) expect({ module: m, covered: (PREVIEW_READ_SERVICES as readonly string[]).includes(p) }).toEqual({ module: m, covered: true });
  });

  it("is used by previews that never refresh (a refresh would read parameter and secret values)", () => {
    const wf = yaml.load(fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "preview.yml"), "utf8")) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const step = wf.jobs.preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(step?.with?.command).toBe("preview");
    expect(step?.with?.refresh).toBeUndefined();
  });
});

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type ResourceRule = { apiGroups: string[]; resources: string[]; operations: string[] };

/** RBAC: a rule grants (verb, group, resource[/subresource]); `*` in resources matches subresources too. */
function rbacAllows(rules: readonly Rule[], verb: string, group: string, resource: string): boolean {
  return rules.some(
    (r) =>
      (r.verbs.includes(verb) || r.verbs.includes("*")) &&
      (r.apiGroups.includes(group) || r.apiGroups.includes("*")) &&
      (r.resources.includes(resource) || r.resources.includes("*") || (resource.includes("/") && r.resources.includes(`${resource.split("/")[0]}/*`))),
  );
}

/**
 * Admission rules as the API server matches them (k8s.io/apiserver admission/plugin/webhook/predicates/rules):
 * a pattern `res/sub` matches when res is `*` or the resource and sub is `*` or the subresource ("" for
 * the resource itself); so `*` is every resource without subresources and `*` + `/*` everything.
 */
function admissionRuleMatches(r: ResourceRule, group: string, resource: string): boolean {
  if (!(r.apiGroups.includes("*") || r.apiGroups.includes(group))) return false;
  const [res, sub = ""] = resource.split("/");
  return r.resources.some((p) => {
    const [pr, ps = ""] = p.split("/");
    return (pr === "*" || pr === res) && (ps === "*" || ps === sub);
  });
}

/**
 * Objects the API server never runs API-based admission (policies or webhooks) on, to avoid
 * circular dependencies: a guard cannot cover a write to these.
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
const NEVER_ADMITTED = ["validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings", "validatingwebhookconfigurations", "mutatingwebhookconfigurations"].map((r) => `admissionregistration.k8s.io/${r}`);

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"] as const;
const ESCALATION_VERBS = ["bind", "escalate", "impersonate", "approve", "sign", "*"] as const;

describe.each(ENVS)("the %s preview group in the cluster", (env) => {
  const role = (): RecordedResource => named(runs[env], "preview-access-role");
  const rules = (): Rule[] => role().inputs.rules as Rule[];
  const guard = (): { matchConstraints: { resourceRules: ResourceRule[]; excludeResourceRules: ResourceRule[] }; validations: { expression: string }[]; matchConditions: { expression: string }[] } =>
    named(runs[env], "preview-access-dry-run-only", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy").inputs.spec as never;
  /** Whether the dry-run guard judges a write to group/resource (not excluded, not exempt from admission). */
  const guarded = (group: string, resource: string): boolean =>
    guard().matchConstraints.resourceRules.some((r) => admissionRuleMatches(r, group, resource)) &&
    !guard().matchConstraints.excludeResourceRules.some((r) => admissionRuleMatches(r, group, resource)) &&
    !NEVER_ADMITTED.includes(`${group}/${resource.split("/")[0]}`);

  it("holds no write verb on admissionregistration.k8s.io and no bind, escalate or impersonate anywhere", () => {
    for (const rule of rules()) {
      for (const v of ESCALATION_VERBS) expect({ rule, verb: v, granted: rule.verbs.includes(v) }).toEqual({ rule, verb: v, granted: false });
      expect(rule.apiGroups).not.toContain("*");
    }
    for (const target of [...NEVER_ADMITTED, "rbac.authorization.k8s.io/clusterrolebindings", "rbac.authorization.k8s.io/rolebindings", "rbac.authorization.k8s.io/clusterroles"]) {
      const [group, resource] = target.split("/");
      for (const verb of WRITE_VERBS) expect({ target, verb, granted: rbacAllows(rules(), verb, group, resource) }).toEqual({ target, verb, granted: false });
    }
    // The issue's path: switch the binding to Audit, then bind cluster-admin. Both refused by RBAC.
    expect(rbacAllows(rules(), "patch", "admissionregistration.k8s.io", "validatingadmissionpolicybindings")).toBe(false);
    expect(rbacAllows(rules(), "bind", "rbac.authorization.k8s.io", "clusterroles")).toBe(false);
    expect(rbacAllows(rules(), "create", "", "serviceaccounts/token")).toBe(false);
  });

  it("writes (dry-run only) nothing its guard does not cover, subresources included", () => {
    let judged = 0;
    for (const rule of rules()) {
      const writes = rule.verbs.filter((v) => (WRITE_VERBS as readonly string[]).includes(v));
      if (writes.length === 0) continue;
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          // RBAC's "*" grants every resource and subresource of the group: probe both, and the group's exempt objects.
          const probes = resource === "*" ? ["anything", "anything/scale", ...NEVER_ADMITTED.filter((n) => n.startsWith(`${group}/`)).map((n) => n.split("/")[1])] : [resource];
          for (const probe of probes) {
            judged++;
            expect({ group, resource: probe, guarded: guarded(group, probe) }).toEqual({ group, resource: probe, guarded: true });
          }
        }
      }
    }
    expect(judged).toBeGreaterThan(20);
    // The guard itself: every request of the group that is not a dry-run is denied.
    expect(guard().matchConditions.map((c) => c.expression)).toEqual([`request.userInfo.groups.exists(g, g == '${PREVIEW_GROUP}')`]);
    expect(guard().validations.map((v) => v.expression)).toEqual(["request.dryRun == true"]);
    expect(guarded("apps", "deployments/scale")).toBe(true);
    expect(guarded("admissionregistration.k8s.io", "validatingadmissionpolicybindings")).toBe(false);
  });

  it("reads everything but Secrets, so previews still diff against the live cluster", () => {
    expect(rbacAllows(rules(), "get", "rbac.authorization.k8s.io", "clusterroles")).toBe(true);
    expect(rbacAllows(rules(), "list", "admissionregistration.k8s.io", "validatingadmissionpolicies")).toBe(true);
    expect(rbacAllows(rules(), "patch", "apps", "deployments")).toBe(true);
    for (const verb of ["get", "list", "watch"]) expect(rbacAllows(rules(), verb, "", "secrets")).toBe(false);
  });
});
