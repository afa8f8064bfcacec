import { LB_CONTROLLER_POLICY } from "../lib/lbControllerPolicy";
import { VELERO_SNAPSHOT_TAG } from "../components/backup/clusterBackup";
import { jsonInput, named, ofType } from "./support/query";
import { evaluate, unconditionedWritesOnStar } from "./support/iam";
import { recordedRuns } from "./support/runs";

// Controllers get the least they need: the load balancer controller cannot rewrite the edge.

const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"])("%s: load balancer controller", (stack) => {
  const policy = () => jsonInput(named(runs[stack], "lb-controller-irsa-aws-load-balancer-controller", "aws:iam/rolePolicy:RolePolicy"), "policy");

  test("has no write action on * without a condition", () => {
    expect(unconditionedWritesOnStar(policy())).toEqual([]);
  });

  test("cannot touch the edge: security groups, listeners, rules, WAF, other target groups", () => {
    const doc = policy();
    const principal = "arn:aws:iam::123456789012:role/lb-controller";
    const denied = [
      ["ec2:AuthorizeSecurityGroupIngress", "arn:aws:ec2:ap-northeast-2:123456789012:security-group/sg-frontend"],
      ["elasticloadbalancing:CreateListener", "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/entasis/1"],
      ["elasticloadbalancing:ModifyRule", "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener-rule/app/entasis/1/2/3"],
      ["wafv2:DisassociateWebACL", "*"],
      ["elasticloadbalancing:RegisterTargets", "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/someone-else/1"],
    ];
    for (const [action, resource] of denied) expect([action, evaluate([doc], { principal, action, resource })]).toEqual([action, "ImplicitDeny"]);
    const own = (doc.Statement as { Sid: string; Resource: string[] }[]).find((s) => s.Sid === "OwnTargetGroups");
    for (const tg of own?.Resource ?? []) expect(evaluate([doc], { principal, action: "elasticloadbalancing:RegisterTargets", resource: tg })).toBe("Allow");
    expect(own?.Resource.length).toBe(ofType(runs[stack], "aws:lb/targetGroup:TargetGroup").length);
  });

  test("runs with its Service controller off", () => {
    const values = named(runs[stack], "lb-controller-release", "kubernetes:helm.sh/v3:Release").inputs.values as { controllerConfig: { featureGates: Record<string, boolean> } };
    expect(values.controllerConfig.featureGates.EnableServiceController).toBe(false);
  });
});

test("the published policy (used only with the Service controller on) is what the check catches", () => {
  const found = unconditionedWritesOnStar(JSON.parse(JSON.stringify(LB_CONTROLLER_POLICY)) as Record<string, unknown>);
  expect(found.flatMap((f) => f.actions)).toEqual(expect.arrayContaining(["ec2:AuthorizeSecurityGroupIngress", "elasticloadbalancing:CreateListener", "wafv2:DisassociateWebACL", "elasticloadbalancing:ModifyRule"]));
});

describe.each(["dev", "prod"])("%s: Velero", (stack) => {
  const policy = () => jsonInput(named(runs[stack], "cluster-backup-velero-velero", "aws:iam/rolePolicy:RolePolicy"), "policy");
  const principal = "arn:aws:iam::123456789012:role/velero";
  const snapshot = "arn:aws:ec2:ap-northeast-2::snapshot/snap-0123";
  const volume = "arn:aws:ec2:ap-northeast-2:123456789012:volume/vol-0123";
  const tagged = { [`aws:ResourceTag/${VELERO_SNAPSHOT_TAG}`]: "daily-20260101" };

  test("has no write action on * without a condition", () => {
    expect(unconditionedWritesOnStar(policy())).toEqual([]);
  });

  test("deletes and restores from its own snapshots only, and creates snapshots only tagged as its own", () => {
    const doc = policy();
    const decide = (action: string, resource: string, context: Record<string, string | string[]> = {}) => evaluate([doc], { principal, action, resource, context });
    expect(decide("ec2:DeleteSnapshot", snapshot, tagged)).toBe("Allow");
    expect(decide("ec2:DeleteSnapshot", snapshot)).toBe("ImplicitDeny");
    expect(decide("ec2:DeleteSnapshot", snapshot, { "aws:ResourceTag/Name": "someone-elses" })).toBe("ImplicitDeny");
    expect(decide("ec2:CreateVolume", snapshot, tagged)).toBe("Allow");
    expect(decide("ec2:CreateVolume", snapshot)).toBe("ImplicitDeny");
    expect(decide("ec2:CreateVolume", volume, { [`aws:RequestTag/${VELERO_SNAPSHOT_TAG}`]: "daily-20260101" })).toBe("Allow");
    expect(decide("ec2:CreateSnapshot", volume)).toBe("Allow");
    expect(decide("ec2:CreateSnapshot", snapshot, { [`aws:RequestTag/${VELERO_SNAPSHOT_TAG}`]: "daily-20260101" })).toBe("Allow");
    expect(decide("ec2:CreateSnapshot", snapshot)).toBe("ImplicitDeny");
    // Tags only what it creates: retagging someone else's snapshot (to then delete it) is refused.
    expect(decide("ec2:CreateTags", snapshot, { "ec2:CreateAction": "CreateSnapshot" })).toBe("Allow");
    expect(decide("ec2:CreateTags", snapshot)).toBe("ImplicitDeny");
    expect(decide("ec2:DeleteVolume", volume, tagged)).toBe("ImplicitDeny");
  });
});
