import { NODE_LAUNCH_SERVICE_ROLES } from "../components/cluster/nodePool";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { jsonInput, named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
}, 300_000);

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string | string[] } | string;
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const ACCOUNT = "123456789012";
const AUTO_SCALING_SLR = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether a key-policy action pattern (kms:ReEncrypt*) covers an action. */
const covers = (pattern: string, action: string): boolean => pattern === action || pattern === "kms:*" || (pattern.endsWith("*") && action.startsWith(pattern.slice(0, -1)));

/**
 * The actions a key policy gives a role directly (without an IAM policy of its own, which a
 * service-linked role cannot be given), in a request with the given extra context. Evaluates the
 * forms the program writes: a literal principal ARN, or "*" narrowed by aws:PrincipalArn and
 * aws:PrincipalAccount; StringEquals and Bool conditions; anything else does not match.
 */
function admitted(policy: { Statement: Statement[] }, roleArn: string, context: Record<string, string>, action: string): boolean {
  const ctx: Record<string, string> = { "aws:PrincipalArn": roleArn, "aws:PrincipalAccount": ACCOUNT, ...context };
  return policy.Statement.some((s) => {
    if (s.Effect !== "Allow" || !list(s.Action).some((a) => covers(a, action))) return false;
    const principals = typeof s.Principal === "string" ? [s.Principal] : list(s.Principal?.AWS);
    if (!principals.includes(roleArn) && !principals.includes("*")) return false;
    return Object.entries(s.Condition ?? {}).every(([op, entries]) =>
      Object.entries(entries).every(([key, expected]) => (op === "StringEquals" || op === "Bool") && ctx[key] !== undefined && list(expected).includes(ctx[key])),
    );
  });
}

describe.each(["dev", "prod"] as const)("instance volumes of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const key = (): RecordedResource => named(run(), "ebs-volumes-key", "aws:kms/key:Key");
  const keyArn = `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/ebs-volumes-key-key-id`;

  it("every launch template's disk is encrypted with the platform's customer key, which rotates", () => {
    const templates = ofType(run(), "aws:ec2/launchTemplate:LaunchTemplate");
    expect(templates.length).toBe(3);
    for (const lt of templates) {
      const mappings = lt.inputs.blockDeviceMappings as { deviceName: string; ebs: { encrypted: string; kmsKeyId?: string } }[];
      expect(mappings.map((m) => [m.deviceName, m.ebs.encrypted, m.ebs.kmsKeyId])).toEqual([["/dev/xvda", "true", keyArn]]);
      expect(lt.propertyDependencies.blockDeviceMappings).toContain(key().urn);
    }
    expect(key().inputs.enableKeyRotation).toBe(true);
  });

  it("the key policy admits the EC2 Auto Scaling service-linked role for exactly what launching encrypted volumes needs", () => {
    const policy = jsonInput(key(), "policy") as { Statement: Statement[] };
    for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]) {
      expect(admitted(policy, AUTO_SCALING_SLR, {}, action)).toBe(true);
    }
    // Grants only for AWS resources (the volumes the instances attach).
    expect(admitted(policy, AUTO_SCALING_SLR, { "kms:GrantIsForAWSResource": "true" }, "kms:CreateGrant")).toBe(true);
    expect(admitted(policy, AUTO_SCALING_SLR, { "kms:GrantIsForAWSResource": "false" }, "kms:CreateGrant")).toBe(false);
    // Nothing beyond that, and nobody else through these statements.
    expect(admitted(policy, AUTO_SCALING_SLR, {}, "kms:ScheduleKeyDeletion")).toBe(false);
    expect(admitted(policy, `arn:aws:iam::${ACCOUNT}:role/someone-else`, {}, "kms:Decrypt")).toBe(false);
    expect(admitted(policy, AUTO_SCALING_SLR.replace(ACCOUNT, "210987654321"), { "aws:PrincipalAccount": "210987654321" }, "kms:Decrypt")).toBe(false);
    // EKS's node group role is covered the same way.
    const eks = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/${NODE_LAUNCH_SERVICE_ROLES[1]}`;
    expect(admitted(policy, eks, {}, "kms:GenerateDataKeyWithoutPlaintext")).toBe(true);
  });

  it("names the service roles in a condition, so the key can be created before the Auto Scaling role exists", () => {
    const policy = jsonInput(key(), "policy") as { Statement: Statement[] };
    const principals = policy.Statement.flatMap((s) => (typeof s.Principal === "string" ? [s.Principal] : list(s.Principal?.AWS)));
    expect(principals.filter((p) => p.includes("aws-service-role"))).toEqual([]);
  });

  it("the bastion's root volume uses the same customer key", () => {
    const host = named(run(), "bastion-host", "aws:ec2/instance:Instance");
    expect(host.inputs.rootBlockDevice).toMatchObject({ encrypted: true, kmsKeyId: keyArn });
  });
});
