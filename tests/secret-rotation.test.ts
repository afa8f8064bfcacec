import { RecordedResource, RunResult, attemptStack, runStack } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { stackRun } from "./support/stackRuns";
import { ROTATION_ANNOTATION } from "../lib/secretRotation";
import * as fs from "fs";
import * as path from "path";
import { generationOf, secretRotationPlan } from "../stacks/schema/secretRotation";
import { TEST_SECRETS, named, ofType } from "./support/query";
import { effectiveConfig, validateWith } from "./support/config";
import { recordedRuns } from "./support/runs";
import { RULES } from "../policy/rules";
import { evaluatePolicies, loadPolicyConfig } from "./support/policy";

// Rotation of the generated secrets (entasis:secretRotation, docs/secret-rotation.md): nothing
// changes for a stack that never configured it, and a configured generation changes exactly the
// generated passwords it covers and what carries them.

/** Every password the platform generates (RandomPassword), by resource name. */
const GENERATED_PASSWORDS = [
  "logging-filebeat-password",
  "logging-filebeat-setup-password",
  "messaging-admin-password",
  "messaging-user-collector-data-feed-password",
  "messaging-user-collector-exchange-api-password",
  "messaging-user-trading-api-password",
  "monitoring-grafana-admin",
  "postgres-master-password",
  "redis-auth-token",
  "timeseries-consumers-analytics",
  "timeseries-consumers-collector-data-feed",
  "timeseries-consumers-collector-exchange-api",
  "timeseries-consumers-market-data",
] as const;

const PASSWORD = "random:index/randomPassword:RandomPassword";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const K8S_SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const RDS = "aws:rds/instance:Instance";

const runs = recordedRuns(["dev", "prod"]);

/** `type name [changed input keys]` of every resource whose inputs differ between two runs of one stack (same URNs required). */
function changedInputs(base: RunResult, other: RunResult): string[] {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  expect(other.resources.map((r) => r.urn).sort()).toEqual([...before.keys()].sort());
  const out: string[] = [];
  for (const r of other.resources) {
    const b = before.get(r.urn) as RecordedResource;
    const keys = Object.keys({ ...b.inputs, ...r.inputs }).filter((k) => JSON.stringify(b.inputs[k]) !== JSON.stringify(r.inputs[k]));
    if (keys.length > 0) out.push(`${r.type} ${r.name} [${keys.sort().join(",")}]`);
  }
  return out.sort();
}

const podAnnotations = (job: RecordedResource): Record<string, string> => (job.inputs.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
const result = (run: RunResult, name: string): string => String(named(run, name, PASSWORD).state.result);

describe("entasis:secretRotation validation", () => {
  it("is unset in the committed dev and prod stacks", () => {
    for (const stack of ["dev", "prod"]) expect(effectiveConfig(stack).secretRotation).toBeUndefined();
  });

  it("accepts a generation, per-secret generations and the Redis revoke step", () => {
    expect(validateWith("dev", (a) => ({ ...a, secretRotation: { generation: 3, secrets: { redisAuth: 1, postgresMaster: 2 }, redisRevokePrevious: 4 } }))).toEqual({ ok: true, messages: [] });
  });

  it.each([
    [{ generation: 0 }, 'entasis:secretRotation.generation 0 is below the minimum 1; use at least 1'],
    [{ generation: 1.5 }, "entasis:secretRotation.generation 1.5 must be a whole number; set entasis:secretRotation.generation to a whole number"],
    [{ secrets: { brokerAdmin: 1 } }, "entasis:secretRotation.secrets.brokerAdmin 1 is not a known setting"],
    [{ rotate: true }, "entasis:secretRotation.rotate true is not a known setting"],
    [{ generation: 1, redisRevokePrevious: 1, secrets: { grafanaAdmin: "2" } }, 'entasis:secretRotation.secrets.grafanaAdmin "2" must be a number'],
  ])("refuses %j", (value, message) => {
    const r = validateWith("dev", (a) => ({ ...a, secretRotation: value }));
    expect(r.ok).toBe(false);
    expect(r.messages.join("\n")).toContain(message);
  });

  it("refuses a revoke step without a Redis generation, or for another generation than the current one", () => {
    const none = validateWith("prod", (a) => ({ ...a, secretRotation: { secrets: { postgresMaster: 1 }, redisRevokePrevious: 1 } }));
    expect(none.messages).toEqual([
      "entasis:secretRotation.redisRevokePrevious 1 is set, but the Redis token has no rotation generation (neither generation nor secrets.redisAuth is set): there is no previous token to revoke; remove entasis:secretRotation.redisRevokePrevious",
    ]);
    // Left over from the last rotation: it would SET the new token at once.
    const stale = validateWith("prod", (a) => ({ ...a, secretRotation: { generation: 2, redisRevokePrevious: 1 } }));
    expect(stale.messages).toEqual([
      "entasis:secretRotation.redisRevokePrevious 1 is not the Redis token's current generation 2: it would SET the new token as the only one at once, and every client still using the other would be refused; remove it for this rotation (pulumi up rotates with ROTATE, both tokens valid), restart the Redis clients, then set it to 2",
    ]);
    const ahead = validateWith("prod", (a) => ({ ...a, secretRotation: { generation: 1, secrets: { redisAuth: 1 }, redisRevokePrevious: 3 } }));
    expect(ahead.messages).toEqual([expect.stringContaining("entasis:secretRotation.redisRevokePrevious 3 is not the Redis token's current generation 2: it would SET the current token")]);
  });

  it("reports every problem at once, beside other areas' problems", () => {
    const r = validateWith("dev", (a) => ({ ...a, secretRotation: { generation: -1, secrets: { filebeat: 0, kibana: 1 } }, network: { ...(a.network as object), cidr: "10.0.0.0/33" } }));
    expect(r.messages.filter((m) => m.startsWith("entasis:secretRotation")).length).toBe(3);
    expect(r.messages.some((m) => m.startsWith("entasis:network.cidr"))).toBe(true);
  });

  it("plans each secret's generation as generation + its own, and SET only for the named generation", () => {
    expect(secretRotationPlan(undefined)).toEqual({ generations: {} });
    expect(secretRotationPlan({ secrets: { postgresMaster: 2 } })).toEqual({ generations: { postgresMaster: 2 } });
    const plan = secretRotationPlan({ generation: 1, secrets: { redisAuth: 1, filebeat: 4 } });
    expect(plan.generations).toEqual({ postgresMaster: 1, redisAuth: 2, brokerUsers: 1, timeseriesConsumers: 1, grafanaAdmin: 1, filebeat: 5 });
    expect(plan.redis).toEqual({ generation: 2, strategy: "ROTATE" });
    expect(secretRotationPlan({ generation: 1, secrets: { redisAuth: 1 }, redisRevokePrevious: 2 }).redis).toEqual({ generation: 2, strategy: "SET" });
  });
});

describe.each(["dev", "prod"])("%s without entasis:secretRotation: the inputs an existing stack already has", (stack) => {
  it("no generated password has keepers (adding them would replace every one)", () => {
    const passwords = ofType(runs[stack], PASSWORD);
    expect(passwords.map((p) => p.name).sort()).toEqual(
      [...GENERATED_PASSWORDS].sort(),
    );
    for (const p of passwords) expect([p.name, "keepers" in p.inputs]).toEqual([p.name, false]);
  });

  it("the Redis group has no authTokenUpdateStrategy and the broker provisioner Job no generation annotation", () => {
    expect("authTokenUpdateStrategy" in named(runs[stack], "redis-group", REDIS).inputs).toBe(false);
    expect(Object.keys(podAnnotations(named(runs[stack], "messaging-users-job", JOB)))).toEqual(["entasis.io/users"]);
  });
});

describe("dev with entasis:secretRotation.generation 1", () => {
  let rotated: RunResult;
  beforeAll(async () => {
    rotated = await runStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:secretRotation": { generation: 1 } } });
  });

  it("changes exactly the generated passwords but the broker administrator's, and what carries them", () => {
    expect(rotated.error).toBeUndefined();
    expect(changedInputs(runs.dev, rotated)).toEqual(
      [
        // The passwords themselves: keepers added (replace-on-change: new values).
        ...GENERATED_PASSWORDS.filter((n) => n !== "messaging-admin-password").map((n) => `${PASSWORD} ${n} [keepers]`),
        // RDS applies the new master password; ElastiCache gets the new token with ROTATE.
        `${RDS} postgres-primary [password]`,
        `${REDIS} redis-group [authToken,authTokenUpdateStrategy]`,
        // A new Secrets Manager version of every credential secret (the old one stays as AWSPREVIOUS).
        ...[
          "messaging-user-collector-data-feed",
          "messaging-user-collector-exchange-api",
          "messaging-user-trading-api",
          "postgres-master",
          "redis-auth",
          "timeseries-consumers-analytics",
          "timeseries-consumers-collector-data-feed",
          "timeseries-consumers-collector-exchange-api",
          "timeseries-consumers-market-data",
        ].map((n) => `${SECRET_VERSION} ${n} [secretString]`),
        // Kubernetes Secrets: CNPG's role secrets (cnpg.io/reload), ECK's file realm and Filebeat's copy
        // beside the DaemonSet, Grafana, the provisioner's input.
        ...[
          "logging-filebeat-agent-credential",
          "logging-filebeat-setup-user",
          "logging-filebeat-user",
          "messaging-users-secret",
          "monitoring-grafana-admin",
          "timeseries-consumers-analytics",
          "timeseries-consumers-collector-data-feed",
          "timeseries-consumers-collector-exchange-api",
          "timeseries-consumers-market-data",
        ].map((n) => `${K8S_SECRET} ${n} [stringData]`),
        // The provisioner Job's template: replaced, so the new Job PUTs the new passwords.
        `${JOB} messaging-users-job [spec]`,
        // Filebeat's pod template carries the generation: the DaemonSet rolls and reads the new password.
        `kubernetes:apps/v1:DaemonSet logging-filebeat-daemonset [spec]`,
      ].sort(),
    );
  });

  it("carries the new values: keepers, the RDS password, the Redis token with ROTATE, the secrets and the Job annotation", () => {
    for (const p of ofType(rotated, PASSWORD).filter((x) => x.name !== "messaging-admin-password")) expect([p.name, p.inputs.keepers]).toEqual([p.name, { rotation: "1" }]);
    expect("keepers" in named(rotated, "messaging-admin-password", PASSWORD).inputs).toBe(false);
    const master = result(rotated, "postgres-master-password");
    expect(master).not.toBe(result(runs.dev, "postgres-master-password"));
    expect(named(rotated, "postgres-primary", RDS).inputs.password).toBe(master);
    expect(JSON.parse(String(named(rotated, "postgres-master", SECRET_VERSION).inputs.secretString)).password).toBe(master);
    const token = result(rotated, "redis-auth-token");
    expect(named(rotated, "redis-group", REDIS).inputs).toMatchObject({ authToken: token, authTokenUpdateStrategy: "ROTATE" });
    expect(JSON.parse(String(named(rotated, "redis-auth", SECRET_VERSION).inputs.secretString)).authToken).toBe(token);
    const user = result(rotated, "messaging-user-trading-api-password");
    expect(JSON.parse(String(named(rotated, "messaging-user-trading-api", SECRET_VERSION).inputs.secretString)).password).toBe(user);
    expect(JSON.stringify(named(rotated, "messaging-users-secret", K8S_SECRET).inputs.stringData)).toContain(user);
    expect(podAnnotations(named(rotated, "messaging-users-job", JOB))[ROTATION_ANNOTATION]).toBe("1");
    const consumer = result(rotated, "timeseries-consumers-analytics");
    expect((named(rotated, "timeseries-consumers-analytics", K8S_SECRET).inputs.stringData as { password: string }).password).toBe(consumer);
    expect((named(rotated, "monitoring-grafana-admin", K8S_SECRET).inputs.stringData as Record<string, string>)["admin-password"]).toBe(result(rotated, "monitoring-grafana-admin"));
    expect((named(rotated, "logging-filebeat-user", K8S_SECRET).inputs.stringData as { password: string }).password).toBe(result(rotated, "logging-filebeat-password"));
  });

  it("passes the policy pack in a first preview and an up, generated-credential-rotation applying to every password", async () => {
    for (const firstPreview of [true, false]) {
      const report = await evaluatePolicies(RULES, rotated.resources, { config: loadPolicyConfig("dev"), firstPreview });
      expect(report.findings.filter((x) => x.level === "mandatory")).toEqual([]);
      expect(report.cannotRun.filter((x) => x.policy === "generated-credential-rotation")).toEqual([]);
      expect(report.applied["generated-credential-rotation"]).toBe(13);
    }
  });
});

describe("dev: the Redis token alone, ROTATE then SET", () => {
  const r: Record<string, RunResult> = {};
  beforeAll(async () => {
    r.rotate = await runStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:secretRotation": { secrets: { redisAuth: 2 } } } });
    r.revoke = await runStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:secretRotation": { secrets: { redisAuth: 2 }, redisRevokePrevious: 2 } } });
  });

  it("rotating one secret changes only that secret's resources", () => {
    expect(changedInputs(runs.dev, r.rotate)).toEqual([`${PASSWORD} redis-auth-token [keepers]`, `${REDIS} redis-group [authToken,authTokenUpdateStrategy]`, `${SECRET_VERSION} redis-auth [secretString]`].sort());
    expect(named(r.rotate, "redis-group", REDIS).inputs.authTokenUpdateStrategy).toBe("ROTATE");
  });

  it("the revoke step keeps the same token and only switches the strategy to SET", () => {
    expect(changedInputs(r.rotate, r.revoke)).toEqual([`${REDIS} redis-group [authTokenUpdateStrategy]`]);
    expect(named(r.revoke, "redis-group", REDIS).inputs).toMatchObject({ authToken: result(r.rotate, "redis-auth-token"), authTokenUpdateStrategy: "SET" });
  });
});

describe("prod with entasis:secretRotation.secrets.postgresMaster 1", () => {
  let rotated: RunResult;
  beforeAll(async () => {
    rotated = await runStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:secretRotation": { secrets: { postgresMaster: 1 } } } });
  });

  it("changes the primary's password and its secret only: replicas, the proxy and the db-bootstrap Job are untouched", () => {
    expect(changedInputs(runs.prod, rotated)).toEqual([`${PASSWORD} postgres-master-password [keepers]`, `${RDS} postgres-primary [password]`, `${SECRET_VERSION} postgres-master [secretString]`].sort());
    // Replicas inherit the primary's users (no password input); RDS Proxy authenticates with IAM end to end.
    const instances = ofType(rotated, RDS);
    expect(instances.length).toBeGreaterThan(1);
    for (const i of instances.filter((x) => x.name !== "postgres-primary")) expect([i.name, "password" in i.inputs]).toEqual([i.name, false]);
    expect(named(rotated, "postgres-proxy-proxy", "aws:rds/proxy:Proxy").inputs.defaultAuthScheme).toBe("IAM_AUTH");
  });

  it("nothing a rotation replaces is protected (prod protects its stores; a protected replacement fails `pulumi up`)", () => {
    const replaced = [...ofType(rotated, PASSWORD), ...ofType(rotated, SECRET_VERSION), ...ofType(rotated, JOB)];
    expect(replaced.length).toBeGreaterThan(20);
    for (const r of replaced) expect([r.type, r.name, r.protect, r.deleteBeforeReplace]).toEqual([r.type, r.name, false, false]);
    // ...while the stores they belong to are.
    expect(named(rotated, "postgres-primary", RDS).protect).toBe(true);
    expect(named(rotated, "redis-group", REDIS).protect).toBe(true);
  });
});

describe("the failover standby (prod-standby) with secrets.postgresMaster 1", () => {
  const r: Record<string, RunResult> = {};
  beforeAll(async () => {
    const rotation = { "entasis:secretRotation": { secrets: { postgresMaster: 1 } } };
    r.standby = await stackRun("prod-standby");
    r.waiting = await attemptStack({ stack: "prod-standby", secrets: TEST_SECRETS, overrides: rotation });
    const failover = JSON.parse(loadStackFile("prod-standby").config["entasis:failover"]) as Record<string, unknown>;
    r.promoted = await attemptStack({ stack: "prod-standby", secrets: TEST_SECRETS, overrides: { ...rotation, "entasis:failover": { ...failover, promoted: true } } });
  }, 300_000);

  it("while replicating, only its own master secret changes: the replica takes the primary's users, no password input", () => {
    expect(r.waiting.error).toBeUndefined();
    expect(changedInputs(r.standby, r.waiting)).toEqual([`${PASSWORD} postgres-master-password [keepers]`, `${SECRET_VERSION} postgres-master [secretString]`].sort());
    const replica = named(r.waiting, "postgres-primary", RDS).inputs;
    expect(replica.replicateSourceDb).toBeDefined();
    expect("password" in replica).toBe(false);
  });

  it("once promoted, the instance gets the rotated password, the one its master secret holds", () => {
    expect(r.promoted.error).toBeUndefined();
    const password = result(r.promoted, "postgres-master-password");
    expect(password).not.toBe(result(r.standby, "postgres-master-password"));
    const db = named(r.promoted, "postgres-primary", RDS).inputs;
    expect("replicateSourceDb" in db).toBe(false);
    expect(db.password).toBe(password);
    expect(JSON.parse(String(named(r.promoted, "postgres-master", SECRET_VERSION).inputs.secretString)).password).toBe(password);
  });
});

describe("docs/secret-rotation.md's warning about per-secret entries", () => {
  it("holds: removing secrets.<name> while raising generation can leave that secret's generation (and password) unchanged", () => {
    const before = { generation: 1, secrets: { redisAuth: 1 } };
    const after = { generation: 2 };
    expect([generationOf(before, "redisAuth"), generationOf(after, "redisAuth")]).toEqual([2, 2]);
    expect([generationOf(before, "brokerUsers"), generationOf(after, "brokerUsers")]).toEqual([1, 2]);
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "secret-rotation.md"), "utf8");
    expect(doc).toContain("Keep a `secrets.<secret>` entry once set.");
  });
});
