import { ConfigError } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import { attemptStack } from "../tools/offline/harness";
import { CloudMocks } from "../tools/offline/mocks";
import { loadStackFile } from "../tools/offline/stackFile";
import { TEST_SECRETS } from "./support/query";
import { stackRun } from "./support/stackRuns";

describe("a bad config stops the program before any resource", () => {
  it.each([
    ["a bad CIDR", { cidr: "10.0.0.0/33" }, "entasis:network.cidr"],
    ["overlapping subnets", { subnets: { database: { "ap-northeast-2a": "10.20.0.0/20" } } }, "entasis:network.subnets.database.ap-northeast-2a"],
  ])("%s: ConfigError naming the key, and nothing registered but the stack", async (_label, change, key) => {
    const network = JSON.parse(loadStackFile("prod").config["entasis:network"]) as Record<string, unknown>;
    const run = await attemptStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:network": { ...network, ...change } } });
    expect(run.error).toBeInstanceOf(ConfigError);
    expect(run.error instanceof ConfigError && run.error.problems.map((p) => p.key)).toEqual([key]);
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("min > max in a node pool: ConfigError and nothing registered", async () => {
    const cluster = JSON.parse(loadStackFile("prod").config["entasis:cluster"]) as { nodePools?: Record<string, Record<string, unknown>> };
    // The pool comes from mode ha-scaled (max 5); the stack file only overrides its minimum.
    cluster.nodePools = { ...cluster.nodePools, "ai-inference": { minSize: 6 } };
    const run = await attemptStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:cluster": cluster } });
    expect(run.error instanceof ConfigError && run.error.problems.map((p) => p.key)).toEqual(["entasis:cluster.nodePools.ai-inference.minSize", "entasis:cluster.nodePools.ai-inference.desiredSize"]);
    expect(run.resources.filter((r) => r.custom)).toEqual([]);
  });

  it("is a RunError, so `pulumi up` prints the message without a stack trace", async () => {
    const run = await attemptStack({ stack: "prod" });
    expect(run.error).toBeInstanceOf(ConfigError);
    expect(String(run.error instanceof Error && run.error.message)).toBe(
      "Invalid stack configuration (1 problem):\n  - entasis:slackWebhookUrl (unset) is required in prod (Alertmanager's Slack receiver); run: pulumi config set --secret entasis:slackWebhookUrl https://hooks.slack.com/services/T000/B000/XXXX",
    );
  });
});

describe("the offline cloud", () => {
  it("throws a clear error for a provider function nobody mocked", () => {
    const mocks = new CloudMocks({ region: "ap-northeast-2" });
    expect(() => mocks.call({ token: "aws:ec2/getVpc:getVpc", inputs: { default: true }, provider: "" })).toThrow(
      'unmocked provider function aws:ec2/getVpc:getVpc({"default":true}): add its cloud answer to tools/offline/mocks.ts',
    );
  });

  it("reads stack files the way the Pulumi CLI passes config (objects as JSON, scalars as text)", () => {
    const dev = loadStackFile("dev");
    expect(dev.config["aws:region"]).toBe("ap-northeast-2");
    expect(dev.config["entasis:environment"]).toBe("dev");
    expect(JSON.parse(dev.config["entasis:network"])).toMatchObject({ cidr: "10.10.0.0/16" });
    expect(dev.config["entasis:mode"]).toBe("single");
  });
});

describe("the placeholder certificate in Pulumi.prod.yaml", () => {
  it("lets a preview run (reviewers and the offline plan see the whole stack)", async () => {
    // The session's recorded prod run is exactly this preview (test secrets, preview mode).
    const run = await stackRun("prod");
    expect(run.error).toBeUndefined();
    expect(run.resources.filter((r) => r.custom).length).toBeGreaterThan(400);
  });

  it("stops `pulumi up` before any resource, naming the key and how to set it", async () => {
    const run = await attemptStack({ stack: "prod", secrets: TEST_SECRETS, preview: false });
    expect(run.error).toBeInstanceOf(ConfigError);
    expect(run.error instanceof ConfigError && run.error.problems.map((p) => `${p.key}: ${p.problem}`)).toEqual([
      "entasis:cluster.adminPrincipalArns[0]: is the committed placeholder; no one can assume it, so no person could reach the cluster",
      "entasis:edge.certificateArn: is the placeholder from the repository, and `pulumi up` would fail at the HTTPS listener",
      "entasis:workloads.image: names no registry, so nodes would pull docker.io/library/trading-api:1.0.0 from Docker Hub, where it does not exist, and `pulumi up` would wait on the Deployment until it times out",
      // The collectors' placeholder images and hosts (stacks/schema/defaults.ts).
      ...COLLECTOR_PLACEHOLDERS,
      // The failover pair's placeholder hosted zone (docs/failover.md).
      "entasis:failover.dns.hostedZoneId: is the placeholder of the committed stack files",
    ]);
    expect(run.resources.filter((r) => r.custom)).toEqual([]);
  });

  it("lets `pulumi up` run once a real certificate (and a real image) is configured", async () => {
    const edge = JSON.parse(loadStackFile("prod").config["entasis:edge"]) as Record<string, unknown>;
    const run = await attemptStack({
      stack: "prod",
      secrets: TEST_SECRETS,
      preview: false,
      overrides: { "entasis:edge": { ...edge, certificateArn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/4f1c2d3e-1111-2222-3333-444455556666" }, "entasis:workloads": withEcrImage("prod"), "entasis:collectors": REAL_COLLECTORS, "entasis:cluster": withRealAdmin("prod"), "entasis:failover": withRealZone("prod") },
    });
    expect(run.error).toBeUndefined();
  });
});

const COLLECTOR_PLACEHOLDERS = [
  "entasis:collectors.feeds.exchange-api.image: names no registry, so nodes would pull it from Docker Hub, where the app team's image does not exist",
  "entasis:collectors.feeds.exchange-api.target.host: is a reserved example name (RFC 2606), a placeholder",
  "entasis:collectors.feeds.data-feed.image: names no registry, so nodes would pull it from Docker Hub, where the app team's image does not exist",
  "entasis:collectors.feeds.data-feed.target.host: is a reserved example name (RFC 2606), a placeholder",
];
const ECR_IMAGE = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0";
/** The app teams' collector images in a registry and their real hosts (the defaults are placeholders). */
const REAL_COLLECTORS = {
  feeds: {
    "exchange-api": { image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/exchange-collector:1.0.0", target: { host: "api.upbit.com", ports: [443] } },
    "data-feed": { image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/data-feed-collector:1.0.0", target: { host: "stream.binance.com", ports: [443, 9443] } },
  },
};
/** The stack's cluster config with a real operators' role instead of the committed placeholder admin. */
const withRealZone = (stack: string): Record<string, unknown> => {
  const f = JSON.parse(loadStackFile(stack).config["entasis:failover"]) as { dns: Record<string, unknown> };
  return { ...f, dns: { ...f.dns, hostedZoneId: "Z1D633PJN98FT9" } };
};
const withRealAdmin = (stack: string): Record<string, unknown> => ({ ...(JSON.parse(loadStackFile(stack).config["entasis:cluster"]) as Record<string, unknown>), adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admin"] });
const withEcrImage = (stack: string): Record<string, unknown> => ({ ...(JSON.parse(loadStackFile(stack).config["entasis:workloads"]) as Record<string, unknown>), image: ECR_IMAGE });

describe("the spec's bare image name trading-api:1.0.0 in the stack files", () => {
  it("lets a preview run", async () => {
    const run = await stackRun("dev");
    expect(run.error).toBeUndefined();
    expect(run.resources.find((r) => r.name === "trading-api-deployment")).toBeDefined();
  });

  it("stops `pulumi up` before any resource: it would resolve to Docker Hub, where it does not exist", async () => {
    const run = await attemptStack({ stack: "dev", secrets: TEST_SECRETS, preview: false });
    expect(run.error).toBeInstanceOf(ConfigError);
    expect(run.error instanceof ConfigError && run.error.problems.map(renderProblem)).toEqual([
      expect.stringMatching(/^entasis:cluster.adminPrincipalArns\[0\] ".*PLACEHOLDER-platform-admin" is the committed placeholder/),
      'entasis:workloads.image "trading-api:1.0.0" names no registry, so nodes would pull docker.io/library/trading-api:1.0.0 from Docker Hub, where it does not exist, and `pulumi up` would wait on the Deployment until it times out; run: pulumi config set --path \'entasis:workloads.image\' <account>.dkr.ecr.<region>.amazonaws.com/trading-api:1.0.0 (an image you pushed), or set entasis:workloads.build to build and push it to this stack\'s ECR repository',
      'entasis:collectors.feeds.exchange-api.image "exchange-collector:1.0.0" names no registry, so nodes would pull it from Docker Hub, where the app team\'s image does not exist; run: pulumi config set --path \'entasis:collectors.feeds.exchange-api.image\' <account>.dkr.ecr.<region>.amazonaws.com/exchange-collector:1.0.0',
      'entasis:collectors.feeds.exchange-api.target.host "api.exchange.example.com" is a reserved example name (RFC 2606), a placeholder; set the exchange\'s or feed\'s real host: pulumi config set --path \'entasis:collectors.feeds.exchange-api.target.host\' <host>',
      'entasis:collectors.feeds.data-feed.image "data-feed-collector:1.0.0" names no registry, so nodes would pull it from Docker Hub, where the app team\'s image does not exist; run: pulumi config set --path \'entasis:collectors.feeds.data-feed.image\' <account>.dkr.ecr.<region>.amazonaws.com/data-feed-collector:1.0.0',
      'entasis:collectors.feeds.data-feed.target.host "feed.data.example.com" is a reserved example name (RFC 2606), a placeholder; set the exchange\'s or feed\'s real host: pulumi config set --path \'entasis:collectors.feeds.data-feed.target.host\' <host>',
    ]);
    expect(run.resources.filter((r) => r.custom)).toEqual([]);
  });

  it("lets `pulumi up` run with an image in a registry, and the Deployment runs exactly that image", async () => {
    const run = await attemptStack({ stack: "dev", secrets: TEST_SECRETS, preview: false, overrides: { "entasis:workloads": withEcrImage("dev"), "entasis:collectors": REAL_COLLECTORS, "entasis:cluster": withRealAdmin("dev") } });
    expect(run.error).toBeUndefined();
    // The collectors run the configured images, and the data feed's egress opens its extra port.
    expect(JSON.stringify(run.resources.find((r) => r.name === "collectors-data-feed-deployment")?.inputs)).toContain(REAL_COLLECTORS.feeds["data-feed"].image);
    expect(JSON.stringify(run.resources.find((r) => r.name === "collectors-network-policies-data-feed-egress")?.inputs)).toContain('"port":9443');
    const deployment = run.resources.find((r) => r.name === "trading-api-deployment");
    expect(JSON.stringify(deployment?.inputs)).toContain(`"image":"${ECR_IMAGE}"`);
  });
});
