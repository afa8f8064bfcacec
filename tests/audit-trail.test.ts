import { jsonInput, named, ofType } from "./support/query";
import { evaluate, rolePolicies } from "./support/iam";
import { RunResult, attemptBootstrap } from "../tools/offline/harness";
import { recordedRuns } from "./support/runs";

// Prod records its own audit trail (management events, KMS, S3 data events of the data buckets)
// in a locked, encrypted bucket with log-file validation, and runs GuardDuty with EKS protection.

const runs = recordedRuns(["dev", "prod"]);
const standbyRuns = recordedRuns(["prod-standby"]);

describe("prod", () => {
  test("a validated, encrypted, multi-region trail with management and data-bucket events", () => {
    const run = runs.prod;
    const trails = ofType(run, "aws:cloudtrail/trail:Trail");
    expect(trails).toHaveLength(1);
    const trail = trails[0];
    const key = named(run, "audit-logs-key", "aws:kms/key:Key");
    const bucket = named(run, "audit-bucket", "aws:s3/bucket:Bucket");
    expect(trail.inputs).toMatchObject({ enableLogFileValidation: true, isMultiRegionTrail: true, includeGlobalServiceEvents: true, kmsKeyId: key.state.arn, s3BucketName: bucket.inputs.bucket });
    const selectors = trail.inputs.advancedEventSelectors as { name: string; fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[] }[];
    expect(selectors[0].fieldSelectors).toEqual([{ field: "eventCategory", equals: ["Management"] }]);
    const arns = selectors[1].fieldSelectors.find((f) => f.field === "resources.ARN")?.startsWiths ?? [];
    const dataBuckets = ["object-storage-market-data", "timeseries-backup-timeseries-backups", "cluster-backup-cluster-backups"].map((n) => `${String(named(run, n, "aws:s3/bucket:Bucket").state.arn)}/`);
    expect(arns.sort()).toEqual(dataBuckets.sort());
    expect(selectors[1].fieldSelectors).toEqual(expect.arrayContaining([{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }]));
  });

  test("the log bucket is locked (compliance) and only this trail may write to it", () => {
    const run = runs.prod;
    const bucket = named(run, "audit-bucket", "aws:s3/bucket:Bucket");
    expect(named(run, "audit-bucket", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs).toMatchObject({ objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 365 } } });
    const policy = jsonInput(named(run, "audit-bucket", "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    const trailArn = "arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/entasis-prod-audit";
    const object = `${String(bucket.state.arn)}/AWSLogs/123456789012/CloudTrail/x.json.gz`;
    const put = (sourceArn: string) => evaluate([policy], { principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object, context: { "aws:SourceArn": sourceArn, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": true, "s3:TlsVersion": 1.3 } });
    expect(put(trailArn)).toBe("Allow");
    expect(put("arn:aws:cloudtrail:ap-northeast-2:210987654321:trail/other")).toBe("ImplicitDeny");
  });

  test("GuardDuty watches the cluster: EKS audit logs and runtime monitoring with the managed agent", () => {
    const run = runs.prod;
    expect(ofType(run, "aws:guardduty/detector:Detector").map((d) => d.inputs.enable)).toEqual([true]);
    const features = ofType(run, "aws:guardduty/detectorFeature:DetectorFeature").map((f) => f.inputs);
    expect(features).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "EKS_AUDIT_LOGS", status: "ENABLED" }),
        expect.objectContaining({ name: "RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }] }),
      ]),
    );
  });
});

test("dev (entasis:audit.provider none) creates neither", () => {
  expect(ofType(runs.dev, "aws:cloudtrail/trail:Trail")).toEqual([]);
  expect(ofType(runs.dev, "aws:guardduty/detector:Detector")).toEqual([]);
});

describe("the deploy role can create and update the trails the program manages, and no other", () => {
  // CreateTrail takes no selectors: the provider calls PutEventSelectors right after it, and again
  // when the data buckets change, as the deploy role. Its guardrails still deny stopping or deleting
  // any trail, and changing a trail the program does not own (an organization trail).
  const boots: Record<string, RunResult> = {};
  beforeAll(async () => {
    for (const env of ["prod", "prod-dr"]) {
      boots[env] = await attemptBootstrap({ stack: env });
      if (boots[env].error) throw boots[env].error;
    }
  });
  const decide = (env: string, action: string, resource: string): string => evaluate(rolePolicies(boots[env], named(boots[env], "deploy-role-role")), { action, resource });
  const trailArn = (stack: "prod" | "prod-standby"): string => {
    const run = stack === "prod" ? runs.prod : standbyRuns["prod-standby"];
    const trail = ofType(run, "aws:cloudtrail/trail:Trail");
    expect(trail).toHaveLength(1);
    return `arn:aws:cloudtrail:${run.config["aws:region"]}:123456789012:trail/${String(trail[0].inputs.name)}`;
  };

  test.each([
    ["prod", "prod"],
    ["prod-dr", "prod-standby"],
  ] as const)("bootstrap %s: the selectors of %s's trail may be set, nothing may stop or delete it", (env, stack) => {
    const own = trailArn(stack);
    for (const action of ["cloudtrail:PutEventSelectors", "cloudtrail:UpdateTrail", "cloudtrail:CreateTrail", "cloudtrail:StartLogging"]) expect([action, decide(env, action, own)]).toEqual([action, "Allow"]);
    for (const action of ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]) expect([action, decide(env, action, own)]).toEqual([action, "Deny"]);
    const organizationTrail = "arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/org-trail";
    for (const action of ["cloudtrail:PutEventSelectors", "cloudtrail:UpdateTrail", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]) expect([action, decide(env, action, organizationTrail)]).toEqual([action, "Deny"]);
  });
});

describe("dev with the trail on (entasis:audit.provider platform)", () => {
  test("its log bucket is emptied on destroy and carries no lock that would refuse it", async () => {
    const { runStack } = await import("../tools/offline/harness");
    const { TEST_SECRETS } = await import("./support/query");
    const run = await runStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:audit": { provider: "platform", retentionDays: 365 } } });
    expect(named(run, "audit-bucket", "aws:s3/bucket:Bucket").inputs.forceDestroy).toBe(true);
    expect(ofType(run, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").filter((l) => l.name.startsWith("audit-"))).toEqual([]);
    // Prod's stays locked.
    expect(ofType(runs.prod, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").filter((l) => l.name.startsWith("audit-"))).toHaveLength(1);
  });
});
