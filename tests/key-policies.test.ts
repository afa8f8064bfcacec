import { RecordedResource, RunResult } from "../tools/offline/harness";
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from "../components/security/encryptionKey";
import { KEY_PROTECTED_ACTIONS } from "../lib/breakGlass";
import { jsonInput, ofType } from "./support/query";
import { Json, Request, evaluate, statementsOf } from "./support/iam";
import { recordedRuns } from "./support/runs";

// Every KMS key of both stacks, evaluated: the account administers and uses each key through IAM
// in separate statements; in prod only the break-glass role (entasis:backup.breakGlassRole) may
// schedule deletion of or disable a key, and it may not use one; the services each key serves
// still can. Dev has no break-glass role: it destroys its keys with the stack.

const runs = recordedRuns(["dev", "prod"]);

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-2";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/entasis-prod-break-glass`;
/** Principals an attacker or a careless operator might hold: root, an administrator, the deployer, an application role. */
const OTHERS = [ROOT, `arn:aws:iam::${ACCOUNT}:role/Admin`, `arn:aws:iam::${ACCOUNT}:role/entasis-prod-deploy`, `arn:aws:iam::${ACCOUNT}:role/entasis-prod-trading-api`];
/** An administrator's identity policy: everything. */
const ADMIN: Json = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k`;

const keysOf = (run: RunResult): RecordedResource[] => ofType(run, "aws:kms/key:Key");
const policyOf = (key: RecordedResource): Json => jsonInput(key, "policy");
/** A request to the key by one principal ARN or service principal. */
type KeyRequest = Omit<Request, "resource" | "principal"> & { readonly principal: string };
const decide = (doc: Json, req: KeyRequest, identity: Json[] = [ADMIN]) => evaluate([doc, ...identity], { ...req, resource: KEY });

/**
 * What each key's own service statements must keep admitting: the requests the services make,
 * with the condition keys they send. Every Allow statement for anyone but the account root is
 * listed here (checked below), so a new service statement needs a case.
 */
function serviceRequests(run: RunResult): Record<string, { sid: string; req: KeyRequest }[]> {
  const slr = (service: string, role: string) => `arn:aws:iam::${ACCOUNT}:role/aws-service-role/${service}/${role}`;
  const autoScaling = slr("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling");
  const backupRole = ofType(run, "aws:iam/role:Role").find((r) => r.name === "backup-role");
  const trail = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/entasis-prod-audit`;
  const ec2 = { "kms:ViaService": `ec2.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT };
  const logs = { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/entasis/x` };
  const csiDriver = ["kms:Decrypt", "kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext"].map((action) => ({ sid: "EbsViaEc2", req: { principal: `arn:aws:iam::${ACCOUNT}:role/ebs-csi-controller`, action, context: ec2 } }));
  // The backup role is named in the vault keys only for cross-region copies (prod's DR vault).
  const copies = ofType(run, "aws:backup/vault:Vault").some((v) => v.name === "backup-dr-vault");
  const backup = backupRole && copies
    ? [
        { sid: "BackupCopyUseOfTheKey", req: { principal: String(backupRole.state.arn), action: "kms:Decrypt" } },
        { sid: "BackupCopyUseOfTheKey", req: { principal: String(backupRole.state.arn), action: "kms:GenerateDataKey" } },
        { sid: "BackupCopyGrantsForAwsResources", req: { principal: String(backupRole.state.arn), action: "kms:CreateGrant", context: { "kms:GrantIsForAWSResource": true } } },
      ]
    : [];
  return {
    "network-logs-key": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"].map((action) => ({ sid: "CloudWatchLogs", req: { principal: `logs.${REGION}.amazonaws.com`, action, context: logs } })),
    "audit-logs-key": [
      { sid: "CloudTrailEncrypts", req: { principal: "cloudtrail.amazonaws.com", action: "kms:GenerateDataKey", context: { "aws:SourceArn": trail, "kms:EncryptionContext:aws:cloudtrail:arn": trail } } },
      { sid: "CloudTrailDescribesKey", req: { principal: "cloudtrail.amazonaws.com", action: "kms:DescribeKey", context: { "aws:SourceArn": trail } } },
    ],
    "ebs-volumes-key": [
      { sid: "NodeLaunchUseOfTheKey", req: { principal: autoScaling, action: "kms:GenerateDataKeyWithoutPlaintext" } },
      { sid: "NodeLaunchUseOfTheKey", req: { principal: autoScaling, action: "kms:Decrypt" } },
      { sid: "NodeLaunchGrantsForVolumes", req: { principal: autoScaling, action: "kms:CreateGrant", context: { "kms:GrantIsForAWSResource": true } } },
      // The EBS CSI driver's volumes of the gp3 classes (Prometheus, Alertmanager, Elasticsearch).
      ...csiDriver,
    ],
    "timeseries-volumes-key": csiDriver,
    "backup-vault-key": backup,
    "backup-dr-vault-key": backup,
  };
}

const ACCOUNT_SIDS = ["AccountAdministration", "AccountUse"];
const GUARD_SIDS = ["OnlyBreakGlassDeletesOrDisables", "BreakGlassDoesNotUse"];

describe.each(["dev", "prod"])("%s", (stack) => {
  const run = (): RunResult => runs[stack];

  test("every key is an EncryptionKey whose account statements separate administration from use (no kms:*)", () => {
    const keys = keysOf(run());
    expect(keys).toHaveLength(ofType(run(), "entasis:security:EncryptionKey").length);
    expect(keys.length).toBe(stack === "prod" ? 21 : 16);
    for (const key of keys) {
      const statements = statementsOf(policyOf(key));
      expect([key.name, statements.filter((s) => ACCOUNT_SIDS.includes(s.Sid ?? "")).map((s) => [s.Sid, s.Principal, s.Action])]).toEqual([
        key.name,
        [
          ["AccountAdministration", { AWS: ROOT }, [...KEY_ADMIN_ACTIONS]],
          ["AccountUse", { AWS: ROOT }, [...KEY_USE_ACTIONS]],
        ],
      ]);
      expect(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).filter((a) => a === "kms:*" || a === "*")).toEqual([]);
      const [admin, use] = ACCOUNT_SIDS.map((sid) => ({ Statement: statements.filter((s) => s.Sid === sid) }));
      // Administration does not use the key; use does not administer it.
      expect(decide(admin, { principal: ROOT, action: "kms:Decrypt" }, [])).toBe("ImplicitDeny");
      expect(decide(admin, { principal: ROOT, action: "kms:GenerateDataKey" }, [])).toBe("ImplicitDeny");
      expect(decide(use, { principal: ROOT, action: "kms:ScheduleKeyDeletion" }, [])).toBe("ImplicitDeny");
      expect(decide(use, { principal: ROOT, action: "kms:PutKeyPolicy" }, [])).toBe("ImplicitDeny");
    }
  });

  test("the services each key serves can still use it, and every non-account statement is among them", () => {
    const cases = serviceRequests(run());
    let checked = 0;
    for (const key of keysOf(run())) {
      const doc = policyOf(key);
      const serviceSids = statementsOf(doc)
        .filter((s) => s.Effect === "Allow" && !ACCOUNT_SIDS.includes(s.Sid ?? ""))
        .map((s) => s.Sid);
      const own = cases[key.name] ?? [];
      expect([key.name, [...new Set(own.map((c) => c.sid))].sort()]).toEqual([key.name, [...new Set(serviceSids)].sort()]);
      for (const { req } of own) {
        // The service's own request, with no identity policy behind it (key policy alone).
        expect([key.name, req.principal, req.action, decide(doc, req, [])]).toEqual([key.name, req.principal, req.action, "Allow"]);
        // Nor may a service principal delete or disable the key. (Roles of the account are governed
        // by IAM through the root statement, which this evaluator admits without an identity policy.)
        if (!req.principal.startsWith("arn:")) expect(decide(doc, { ...req, action: "kms:ScheduleKeyDeletion" }, [])).toBe(stack === "prod" ? "Deny" : "ImplicitDeny");
        checked += 1;
      }
      // An application role whose IAM policy grants use of the key may use it.
      const appUse: Json = { Statement: [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY }] };
      for (const action of ["kms:Decrypt", "kms:GenerateDataKey"]) expect(decide(doc, { principal: OTHERS[3], action }, [appUse])).toBe("Allow");
    }
    // logs, trail, ebs-volumes (node launch 3, CSI driver 3), timeseries volumes, backup vaults.
    expect(checked).toBe(stack === "prod" ? 4 + 2 + 6 + 3 + 3 + 3 : 4 + 6 + 3 + 0);
  });

  test("the account keeps administering every key: no lockout", () => {
    for (const key of keysOf(run())) {
      const doc = policyOf(key);
      for (const action of ["kms:PutKeyPolicy", "kms:CancelKeyDeletion", "kms:EnableKey", "kms:TagResource", "kms:DescribeKey"]) {
        expect([key.name, action, decide(doc, { principal: OTHERS[1], action })]).toEqual([key.name, action, "Allow"]);
      }
    }
  });
});

test("prod: no principal but the break-glass role can schedule deletion of or disable any key, and it cannot use one", () => {
  const keys = keysOf(runs.prod);
  expect(KEY_PROTECTED_ACTIONS).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:DisableKey"]));
  for (const key of keys) {
    const doc = policyOf(key);
    expect(statementsOf(doc).filter((s) => s.Effect === "Deny").map((s) => s.Sid)).toEqual(GUARD_SIDS);
    for (const action of KEY_PROTECTED_ACTIONS) {
      for (const principal of OTHERS) expect([key.name, action, principal, decide(doc, { principal, action })]).toEqual([key.name, action, principal, "Deny"]);
      expect([key.name, action, decide(doc, { principal: BREAK_GLASS, action })]).toEqual([key.name, action, "Allow"]);
    }
    // Services acting on their own (a service principal) cannot either.
    for (const principal of ["logs.ap-northeast-2.amazonaws.com", "cloudtrail.amazonaws.com"]) expect(decide(doc, { principal, action: "kms:ScheduleKeyDeletion" }, [])).toBe("Deny");
    expect(decide(doc, { principal: BREAK_GLASS, action: "kms:DescribeKey" })).toBe("Allow");
    // Who can destroy the key cannot read what it protects, even through EC2 or with an admin policy.
    for (const action of ["kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"]) {
      expect(decide(doc, { principal: BREAK_GLASS, action, context: { "kms:ViaService": `ec2.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT } })).toBe("Deny");
    }
  }
  expect(keys).toHaveLength(21);
});

test("dev has no break-glass role: its deployer schedules the keys' deletion when the stack is destroyed", () => {
  for (const key of keysOf(runs.dev)) {
    const doc = policyOf(key);
    expect(statementsOf(doc).filter((s) => s.Effect === "Deny")).toEqual([]);
    expect(decide(doc, { principal: OTHERS[2], action: "kms:ScheduleKeyDeletion" })).toBe("Allow");
  }
  expect(keysOf(runs.dev)).toHaveLength(16);
});
