import { RunResult, runStack } from "../tools/offline/harness";
import { TEST_SECRETS, componentOf, named, ofType, str, tagsOf } from "./support/query";
import { policyStatements, recordedRuns } from "./support/runs";
import { validateWith, withField } from "./support/config";

const PARAM = "aws:ssm/parameter:Parameter";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/config-store-key-key-key-id";

const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"] as const)("configuration store of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const prefix = `/entasis/${stack}/config/trading-api`;
  const param = (key: string): RunResult["resources"][number] => {
    const found = ofType(run(), PARAM).filter((p) => p.inputs.name === `${prefix}/${key}`);
    if (found.length !== 1) throw new Error(`expected one parameter ${prefix}/${key}, found ${found.length}`);
    return found[0];
  };

  it("holds the spec's etcd keys under /entasis/<env>/config/<app>, standard tier, tagged", () => {
    const names = ofType(run(), PARAM).map((p) => str(p, "name")).filter((n) => n.startsWith(`${prefix}/`)).sort();
    expect(names).toEqual(["circuit_breakers/rabbitmq/timeout", "database/url", "rabbitmq/url", "redis/enabled"].map((k) => `${prefix}/${k}`));
    const params = ofType(run(), PARAM);
    // Every parameter of the stack is one of the store's: the app's keys and nothing unaccounted for.
    expect(params.length).toBeGreaterThanOrEqual(names.length);
    expect(params.filter((p) => !str(p, "name").startsWith(`/entasis/${stack}/config/`)).map((p) => p.name)).toEqual([]);
    for (const p of params) {
      expect(p.inputs).toMatchObject({ tier: "Standard", dataType: "text" });
      expect(tagsOf(p)).toMatchObject({ App: str(p, "name").split("/")[4], Environment: stack, Name: p.inputs.name });
      expect(componentOf(run(), p)).toBe("entasis:config:ConfigStore");
    }
  });

  it("writes the database URL from the platform's own endpoint (RDS Proxy in prod) as a SecureString under the store's key", () => {
    const host = stack === "prod" ? named(run(), "postgres-proxy-proxy", "aws:rds/proxy:Proxy").state.endpoint : named(run(), "postgres-primary", "aws:rds/instance:Instance").state.address;
    expect(param("database/url").inputs).toMatchObject({ type: "SecureString", keyId: KEY_ARN, value: `postgresql://trading_api@${String(host)}:5432/entasis?sslmode=verify-full` });
    expect(param("database/url").secretPaths).toContain("value");
    expect(named(run(), "config-store-key-key", "aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
  });

  it("gives every configured application its own tree with its own database user", () => {
    const analytics = ofType(run(), PARAM).filter((p) => str(p, "name").startsWith(`/entasis/${stack}/config/analytics/`));
    expect(analytics.map((p) => str(p, "name").split("/").slice(5).join("/")).sort()).toEqual(["database/url", "rabbitmq/url", "redis/enabled"]);
    expect(str(analytics.find((p) => str(p, "name").endsWith("/database/url")) ?? analytics[0], "value")).toMatch(/^postgresql:\/\/analytics@/);
  });

  it("writes plain flags and endpoints as String parameters: Redis on, the broker's AMQPS endpoint, the circuit breaker timeout from config", () => {
    expect(param("redis/enabled").inputs).toMatchObject({ type: "String", value: "true" });
    expect(param("redis/enabled").inputs.keyId).toBeUndefined();
    const endpoint = (named(run(), "messaging-broker", "aws:mq/broker:Broker").state.instances as { endpoints: string[] }[])[0].endpoints[0];
    expect(param("rabbitmq/url").inputs).toMatchObject({ type: "String", value: endpoint });
    expect(param("circuit_breakers/rabbitmq/timeout").inputs).toMatchObject({ type: "String", value: "30" });
  });

  it("lets trading-api's IRSA role read and decrypt its own tree only, and tells the app where it is", () => {
    const doc = { Statement: policyStatements(named(run(), "trading-api-irsa-connection-secrets", "aws:iam/rolePolicy:RolePolicy")) };
    const arn = (path: string): string => `arn:aws:ssm:ap-northeast-2:123456789012:parameter${path}`;
    expect(doc.Statement.find((s) => s.Sid === "ReadOwnConfig")).toEqual({
      Sid: "ReadOwnConfig",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
      Resource: [arn(prefix), arn(`${prefix}/*`)],
    });
    expect(doc.Statement.find((s) => s.Sid === "DecryptOwnConfig")).toMatchObject({ Action: "kms:Decrypt", Resource: KEY_ARN, Condition: { StringEquals: { "kms:ViaService": "ssm.ap-northeast-2.amazonaws.com" } } });
    const deployment = named(run(), "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    const env = (deployment.inputs.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "CONFIG_PATH", value: prefix });
  });

  it("offers each application a managed read policy scoped to its own tree, for app teams' IRSA roles", () => {
    const policy = named(run(), "config-store-trading-api-read", "aws:iam/policy:Policy");
    const doc = { Statement: policyStatements(policy) };
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["ReadOwnConfig", "DecryptOwnConfig"]);
    expect(JSON.stringify(doc)).not.toMatch(/parameter\/entasis\/[a-z]+\/config\/\*|"\*"/);
  });
});

describe("configuration store validation", () => {
  const values = (v: Record<string, string>) => validateWith("dev", (a) => ({ ...a, configStore: withField(a.configStore, ["apps", "trading-api", "values"], v) }));

  it("accepts both stack files as written", () => {
    expect(validateWith("dev").ok).toBe(true);
    expect(validateWith("prod").ok).toBe(true);
  });

  it("rejects keys Parameter Store does not accept, keys too deep, and keys the platform writes", () => {
    expect(values({ "circuit breakers/timeout": "30" }).messages).toEqual([
      'entasis:configStore.apps.trading-api.values.circuit breakers/timeout "30" has a key Parameter Store does not accept; use letters, digits, \'.\', \'-\', \'_\' and \'/\' between levels, no leading or trailing \'/\', e.g. circuit_breakers/rabbitmq/timeout',
    ]);
    expect(values({ "a/b/c/d/e/f/g/h/i/j/k/l": "1" }).messages).toEqual([
      'entasis:configStore.apps.trading-api.values.a/b/c/d/e/f/g/h/i/j/k/l "1" is 16 levels deep under /entasis/<env>/config/<app>, over Parameter Store\'s 15; use at most 11 levels',
    ]);
    expect(values({ "redis/enabled": "false" }).messages).toEqual(['entasis:configStore.apps.trading-api.values.redis/enabled "false" is written by the platform from its own outputs; remove it (the platform keeps it current)']);
  });

  it("rejects an empty value and one over a standard parameter's 4 KB", () => {
    expect(values({ empty: "" }).messages).toEqual(['entasis:configStore.apps.trading-api.values.empty "" is outside a standard parameter\'s 1..4096 bytes; shorten it, or keep large documents in S3 and store their location here']);
    expect(values({ big: "x".repeat(4097) }).ok).toBe(false);
  });

  it("rejects an application key that is not a DNS label", () => {
    const r = validateWith("dev", (a) => ({ ...a, configStore: withField(a.configStore, ["apps", "Trading_API"], { values: {} }) }));
    expect(r.messages).toEqual(['entasis:configStore.apps.Trading_API "Trading_API" is not an application key; use a lowercase DNS label, e.g. trading-api']);
  });
});

describe("with the broker and the config store switched off", () => {
  let run: RunResult;
  beforeAll(async () => {
    run = await runStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:messaging": { enabled: false }, "entasis:configStore": { enabled: false } } });
  }, 120_000);

  it("creates neither, keeps both outputs as null, and gives trading-api nothing extra", () => {
    expect(run.error).toBeUndefined();
    expect(ofType(run, "aws:mq/broker:Broker")).toEqual([]);
    expect(ofType(run, PARAM)).toEqual([]);
    expect(run.outputs.messaging).toBeNull();
    expect(run.outputs.configStore).toBeNull();
    const doc = { Statement: policyStatements(named(run, "trading-api-irsa-connection-secrets", "aws:iam/rolePolicy:RolePolicy")) };
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["ReadOwnSecrets", "DecryptViaSecretsManager", "ConnectAsOwnUser"]);
    const deployment = named(run, "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    const env = (deployment.inputs.spec as { template: { spec: { containers: { env: { name: string }[] }[] } } }).template.spec.containers[0].env.map((e) => e.name);
    expect(env).not.toContain("CONFIG_PATH");
    expect(env).not.toContain("MQ_CONNECTION_SECRET_ARN");
  });
});
