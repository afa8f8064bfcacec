import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { RecordedResource, RunResult, attemptProgram, unwrapSecrets } from "../tools/offline/harness";
import { CloudMocks } from "../tools/offline/mocks";
import { schemaErrors } from "./support/k8sSchema";
import { stackRun } from "./support/stackRuns";

const PLATFORM = "entasis/entasis-infra/dev";
const CONFIG = { "app-team-analytics:platformStack": PLATFORM, "app-team-analytics:image": "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/analytics-reports:1.4.2" };

type AppRun = Omit<RunResult, "placeholders">;

async function runExample(outputs: Record<string, unknown>, secretOutputNames: readonly string[], program?: () => Promise<unknown>): Promise<AppRun> {
  return attemptProgram({
    project: "app-team-analytics",
    stack: "dev",
    config: CONFIG,
    mocks: new CloudMocks({ region: "ap-northeast-2", stackReferences: { [PLATFORM]: { outputs, secretOutputNames } } }),
    program: program ?? (async () => (await import("../examples/app-team/program")).appTeamProgram()),
  });
}

/** Only the typed reads, as stack outputs: a failed read fails the stack, nothing waits forever. */
async function readsOnly(): Promise<unknown> {
  const { PlatformReference } = await import("../examples/app-team/platform");
  const ref = new PlatformReference(PLATFORM);
  return { kubeconfig: ref.kubeconfig, cluster: ref.clusterName, general: ref.nodePool("general"), configPath: ref.configPrefix("analytics") };
}

function one(run: AppRun, name: string, type: string): RecordedResource {
  const found = run.resources.filter((r) => r.name === name && r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0];
}

let platform: RunResult;
let platformOutputs: Record<string, unknown>;
let app: AppRun;
beforeAll(async () => {
  // The platform's own test run provides the outputs the app team's StackReference reads.
  platform = await stackRun("dev");
  platformOutputs = unwrapSecrets(platform.outputs) as Record<string, unknown>;
  app = await runExample(platformOutputs, platform.secretOutputs);
});

describe("the app-team example against the platform's real outputs", () => {
  it("runs without error", () => {
    expect(app.error).toBeUndefined();
  });

  it("talks to the platform's cluster with the platform's kubeconfig, kept secret", () => {
    const provider = one(app, "platform", "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe(platformOutputs.kubeconfig);
    expect(provider.secretPaths).toContain("kubeconfig");
    for (const r of app.resources.filter((x) => x.type.startsWith("kubernetes:"))) expect(r.provider?.startsWith(provider.urn)).toBe(true);
  });

  it("schedules on the general pool using the labels the platform publishes", () => {
    const d = one(app, "analytics-reports", "kubernetes:apps/v1:Deployment");
    const pools = platformOutputs.nodePools as Record<string, { labels: Record<string, string> }>;
    expect((d.inputs.spec as { template: { spec: { nodeSelector: unknown } } }).template.spec.nodeSelector).toEqual(pools.general.labels);
    expect(pools.general.labels).toEqual({ role: "general" });
  });

  it("creates a namespace, its time-series CA bundle, a Deployment and a Service that pass the Kubernetes schema", () => {
    const kinds = app.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom).map((r) => r.type).sort();
    expect(kinds).toEqual(["kubernetes:apps/v1:Deployment", "kubernetes:cert-manager.io/v1:Certificate", "kubernetes:core/v1:Namespace", "kubernetes:core/v1:Service"]);
    expect(schemaErrors(one(app, "timeseries-ca-bundle", "kubernetes:cert-manager.io/v1:Certificate").inputs)).toEqual([]);
    new Namespace({ ...one(app, "analytics", "kubernetes:core/v1:Namespace").inputs }).validate();
    new Deployment({ ...one(app, "analytics-reports", "kubernetes:apps/v1:Deployment").inputs }).validate();
    new Service({ ...one(app, "analytics-reports", "kubernetes:core/v1:Service").inputs }).validate();
  });

  it("reads its TimescaleDB connection secret from the platform's time-series outputs", () => {
    const d = one(app, "analytics-reports", "kubernetes:apps/v1:Deployment");
    const env = (d.inputs.spec as { template: { spec: { containers: { env: unknown }[] } } }).template.spec.containers[0].env;
    const ts = platformOutputs.timeseries as { consumerSecretArns: Record<string, string> };
    expect(env).toEqual(expect.arrayContaining([{ name: "TIMESERIES_SECRET_ARN", value: ts.consumerSecretArns.analytics }]));
    expect(ts.consumerSecretArns.analytics).toMatch(/^arn:aws:secretsmanager:ap-northeast-2:\d{12}:secret:entasis-dev\/timeseries\/analytics/);
  });

  it("verifies the database: a CA bundle from the platform's issuer, mounted where the connection secret's sslrootcert points", () => {
    const tls = (platformOutputs.timeseries as { tls: { issuer: string; caSecret: string; caKey: string; sslrootcert: string } }).tls;
    const cert = one(app, "timeseries-ca-bundle", "kubernetes:cert-manager.io/v1:Certificate");
    expect(cert.inputs).toMatchObject({ metadata: { name: tls.caSecret, namespace: "analytics" }, spec: { secretName: tls.caSecret, issuerRef: { name: tls.issuer, kind: "ClusterIssuer", group: "cert-manager.io" } } });
    // The platform's connection secret for this app names the same file and Secret.
    const secret = JSON.parse(String(platform.resources.find((r) => r.name === "timeseries-consumers-analytics" && r.type === "aws:secretsmanager/secretVersion:SecretVersion")?.inputs.secretString)) as Record<string, unknown>;
    expect([secret.sslmode, secret.sslrootcert, secret.sslrootcertSecret]).toEqual(["verify-full", tls.sslrootcert, tls.caSecret]);
    const d = one(app, "analytics-reports", "kubernetes:apps/v1:Deployment");
    const pod = (d.inputs.spec as { template: { spec: { volumes: unknown[]; containers: { volumeMounts: { name: string; mountPath: string }[] }[] } } }).template.spec;
    expect(pod.volumes).toContainEqual({ name: "timeseries-ca", secret: { secretName: tls.caSecret, items: [{ key: tls.caKey, path: tls.caKey }] } });
    const mount = pod.containers[0].volumeMounts.find((m) => m.name === "timeseries-ca");
    expect(`${String(mount?.mountPath)}/${tls.caKey}`).toBe(tls.sslrootcert);
    expect(d.dependencies).toContain(cert.urn);
  });

  it("hands the app its configuration root from the platform's configStore output", () => {
    const d = one(app, "analytics-reports", "kubernetes:apps/v1:Deployment");
    const env = (d.inputs.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([{ name: "CONFIG_PATH", value: "/entasis/dev/config/analytics" }]));
    expect((platformOutputs.configStore as { prefixes: Record<string, string> }).prefixes.analytics).toBe("/entasis/dev/config/analytics");
  });

  it("exports the cluster name it deployed to", () => {
    expect(app.outputs.cluster).toBe(platformOutputs.clusterName);
  });
});

describe("the contract, seen from the app team", () => {
  it("reads every output it uses from the real outputs", async () => {
    const run = await runExample(platformOutputs, platform.secretOutputs, readsOnly);
    expect(run.error).toBeUndefined();
    expect(run.secretOutputs).toContain("kubeconfig");
    expect(unwrapSecrets(run.outputs)).toMatchObject({ cluster: platformOutputs.clusterName, general: { labels: { role: "general" } }, configPath: "/entasis/dev/config/analytics" });
  });

  it("fails the app's preview with a clear message when the platform renames an output", async () => {
    const { kubeconfig, ...renamed } = platformOutputs;
    const run = await runExample({ ...renamed, kubeConfig: kubeconfig }, []);
    expect(String(run.error)).toContain("platform stack entasis/entasis-infra/dev does not provide what this app needs (see the platform's docs/outputs.md):\n  - output kubeconfig does not exist");
    expect(run.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
  });

  it("fails the app's preview before anything is created when the platform's config store is switched off", async () => {
    const run = await runExample({ ...platformOutputs, configStore: null }, platform.secretOutputs);
    expect(String(run.error)).toContain("  - output configStore does not exist");
    expect(run.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
  });

  it("names every output that changed type, all at once", async () => {
    const run = await runExample({ ...platformOutputs, clusterName: 42, nodePools: ["general"], timeseries: "timeseries-rw" }, platform.secretOutputs);
    expect(String(run.error)).toContain(
      '  - output clusterName should be a string, got 42\n  - output nodePools should be node pools with labels and taints, got ["general"]\n  - output timeseries should be the time-series store (poolerEndpoint, consumerSecretArns), got "timeseries-rw"',
    );
  });
});
