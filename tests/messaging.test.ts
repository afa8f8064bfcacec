import { RecordedResource, RunResult } from "../tools/offline/harness";
import { PROVISION_SCRIPT } from "../components/messaging/userProvisioner";
import { BACKUP_COVERAGE } from "../components/backup/coverage";
import { componentOf, named, ofType, str, tagsOf } from "./support/query";
import { policyStatements, recordedRuns } from "./support/runs";

const BROKER = "aws:mq/broker:Broker";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** What differs between the stacks; everything else below must hold in both. */
const EXPECTED = {
  dev: { type: "mq.m7g.medium", mode: "SINGLE_INSTANCE", subnets: ["ap-northeast-2a"], protect: false },
  prod: { type: "mq.m7g.large", mode: "CLUSTER_MULTI_AZ", subnets: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"], protect: true },
} as const;

const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"] as const)("message queue of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const exp = EXPECTED[stack];
  const broker = (): RecordedResource => named(run(), "messaging-broker", BROKER);

  it("runs Amazon MQ for RabbitMQ 4.2 on an m7g type, single-instance in dev and a three-AZ cluster in prod", () => {
    expect(broker().inputs).toMatchObject({
      brokerName: `entasis-${stack}-rabbitmq`,
      engineType: "RabbitMQ",
      engineVersion: "4.2",
      hostInstanceType: exp.type,
      deploymentMode: exp.mode,
      authenticationStrategy: "simple",
    });
    expect(componentOf(run(), broker())).toBe("entasis:messaging:RabbitMqBroker");
    expect(broker().protect).toBe(exp.protect);
  });

  it("is private in the database subnets (one for a single instance, every AZ's for the cluster)", () => {
    expect(broker().inputs.publiclyAccessible).toBe(false);
    // The mock cloud's ID of a resource is `<name>-id`.
    const dbSubnets = ofType(run(), "aws:ec2/subnet:Subnet").filter((s) => tagsOf(s).Tier === "database");
    const idOf = (az: string): string | undefined => dbSubnets.filter((s) => s.inputs.availabilityZone === az).map((s) => `${s.name}-id`)[0];
    expect(broker().inputs.subnetIds).toEqual(exp.subnets.map(idOf));
    expect(exp.subnets.map(idOf).every((id) => typeof id === "string")).toBe(true);
  });

  it("has its own security group admitting only AMQPS 5671 and the management API 443, both from the application group", () => {
    expect(broker().inputs.securityGroups).toEqual(["messaging-sg-id"]);
    const rules = ofType(run(), INGRESS).filter((r) => r.inputs.securityGroupId === "messaging-sg-id");
    expect(rules.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId]).sort()).toEqual([
      [443, 443, "security-groups-application-id"],
      [5671, 5671, "security-groups-application-id"],
    ]);
    for (const r of rules) {
      expect(r.inputs.cidrIpv4).toBeUndefined();
      expect(r.inputs.cidrIpv6).toBeUndefined();
    }
    expect(tagsOf(named(run(), "messaging-sg", "aws:ec2/securityGroup:SecurityGroup"))).toMatchObject({ Name: `entasis-${stack}-rabbitmq`, Environment: stack, Tier: "messaging" });
  });

  it("ships general logs, takes Amazon MQ's managed patch upgrades in the configured window, and sets no encryption options AWS rejects for RabbitMQ", () => {
    expect(broker().inputs).toMatchObject({
      logs: { general: true },
      autoMinorVersionUpgrade: true,
      maintenanceWindowStartTime: { dayOfWeek: "SUNDAY", timeOfDay: "20:30", timeZone: "UTC" },
    });
    expect((broker().inputs.logs as Record<string, unknown>).audit).toBeUndefined();
    expect(broker().inputs.encryptionOptions).toBeUndefined();
  });

  it("creates exactly one broker user, the administrator, with a generated secret password kept in Secrets Manager under the data key", () => {
    const users = broker().inputs.users as { username: string; password: string }[];
    expect(users.map((u) => u.username)).toEqual(["entasis_admin"]);
    expect(broker().secretPaths).toContain("users.0.password");
    expect(users[0].password).toBe(named(run(), "messaging-admin-password", "random:index/randomPassword:RandomPassword").state.result);
    const secret = named(run(), "messaging-admin", SECRET);
    expect(secret.inputs).toMatchObject({ name: `entasis-${stack}/rabbitmq/admin`, kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/data-secrets-key-key-id" });
    const version = named(run(), "messaging-admin", SECRET_VERSION);
    expect(version.secretPaths).toContain("secretString");
    expect(JSON.parse(str(version, "secretString"))).toMatchObject({ username: "entasis_admin", password: users[0].password, port: 5671 });
  });

  it("keeps one user secret per application with an amqps URL to the broker", () => {
    const secret = named(run(), "messaging-user-trading-api", SECRET);
    expect(secret.inputs).toMatchObject({ name: `entasis-${stack}/rabbitmq/trading-api`, kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/data-secrets-key-key-id" });
    expect(secret.protect).toBe(exp.protect);
    const doc = JSON.parse(str(named(run(), "messaging-user-trading-api", SECRET_VERSION), "secretString")) as Record<string, string | number>;
    const host = new URL(((broker().state.instances as { endpoints: string[] }[])[0].endpoints[0]).replace("amqps:", "https:")).hostname;
    expect(doc).toMatchObject({ host, port: 5671, vhost: "/", username: "trading_api" });
    expect(doc.url).toBe(`amqps://trading_api:${String(doc.password)}@${host}:5671/%2F`);
    expect(String(doc.password)).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("creates the application users with a Job on the general pool that waits for the broker, the pool's nodes and CoreDNS", () => {
    const job = named(run(), "messaging-users-job", "kubernetes:batch/v1:Job");
    expect(job.dependencies).toEqual(
      expect.arrayContaining([broker().urn, ...ofType(run(), "aws:eks/nodeGroup:NodeGroup").filter((ng) => (ng.inputs.labels as { role?: string }).role === "general").map((ng) => ng.urn), named(run(), "cluster-coredns", "aws:eks/addon:Addon").urn]),
    );
    const pod = ((job.inputs.spec as Record<string, unknown>).template as { spec: Record<string, unknown> }).spec;
    expect(pod.nodeSelector).toEqual({ role: "general" });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    const container = (pod.containers as Record<string, unknown>[])[0];
    const host = new URL(((broker().state.instances as { consoleUrl: string }[])[0]).consoleUrl).hostname;
    expect(container.env).toEqual([
      { name: "MANAGEMENT_URL", value: `https://${host}` },
      { name: "MANAGEMENT_HOST", value: host },
    ]);
    const config = named(run(), "messaging-users-config", "kubernetes:core/v1:ConfigMap");
    // The collectors' users (their own exchange and queues on market-data) come with trading-api's, which
    // by default may only touch exchanges and queues named trading-api or trading-api.<name>.
    const collector = (feed: string): string => `collector_${feed.replace("-", "_")}\tmarket-data${`\t^market[.]${feed}([.].+)?$`.repeat(3)}\n`;
    expect((config.inputs.data as Record<string, string>)["users.tsv"]).toBe(`${collector("data-feed")}${collector("exchange-api")}trading_api\t/${"\t^trading-api([.].+)?$".repeat(3)}\n`);
    // Idempotent management API calls: PUT the vhost, the user and its permissions.
    for (const path of ['"vhosts/$vh"', '"users/$user"', '"permissions/$vh/$user"']) expect(PROVISION_SCRIPT).toContain(`put ${path}`);
    const secret = named(run(), "messaging-users-secret", "kubernetes:core/v1:Secret");
    expect(secret.secretPaths).toContain("stringData");
    // The applications' passwords only (the collectors' too): the administrator's is read from Secrets Manager at run time.
    expect(Object.keys(secret.inputs.stringData as Record<string, string>).sort()).toEqual(["collector_data_feed", "collector_exchange_api", "trading_api"]);
    const ns = named(run(), "messaging-users-ns", "kubernetes:core/v1:Namespace");
    expect((ns.inputs.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("lets the provisioner reach only DNS, 443 in the database subnets, and HTTPS (never IMDS) for STS and Secrets Manager", () => {
    const netpol = named(run(), "messaging-users-netpol", "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const spec = netpol.inputs.spec as { policyTypes: string[]; ingress?: unknown; egress: { to: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[] };
    expect(spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(spec.ingress).toBeUndefined();
    expect(spec.egress.map((e) => e.ports.map((p) => p.port))).toEqual([[53, 53], [443], [443]]);
    expect(spec.egress[2].to).toEqual([{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }]);
    expect(spec.egress[1].to.every((t) => t.ipBlock?.cidr.startsWith(stack === "dev" ? "10.10." : "10.20."))).toBe(true);
  });

  it("gives trading-api read access to its own broker user only, its ARN in the environment and AMQPS egress", () => {
    const mqSecret = named(run(), "messaging-user-trading-api", SECRET);
    const doc = { Statement: policyStatements(named(run(), "trading-api-irsa-connection-secrets", "aws:iam/rolePolicy:RolePolicy")) };
    expect(doc.Statement.find((s) => s.Sid === "ReadOwnBrokerUser")).toMatchObject({ Resource: mqSecret.state.arn, Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"] });
    expect(JSON.stringify(doc)).not.toContain(named(run(), "messaging-admin", SECRET).state.arn as string);
    const deployment = named(run(), "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    const container = ((deployment.inputs.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0]);
    expect(container.env).toContainEqual({ name: "MQ_CONNECTION_SECRET_ARN", value: mqSecret.state.arn });
    const egress = named(run(), "trading-api-netpol-egress", "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(JSON.stringify(egress.inputs.spec)).toContain('{"port":5671,"protocol":"TCP"}');
  });

  it("is covered as its backup coverage says: no AWS Backup tag, replication across AZs in prod, users recreated from code", () => {
    expect(BACKUP_COVERAGE["aws:mq/broker:Broker"].by).toBe("other");
    expect(tagsOf(broker()).backup).toBeUndefined();
    expect((broker().inputs.subnetIds as string[]).length).toBe(stack === "prod" ? 3 : 1);
    expect(named(run(), "messaging-users-job", "kubernetes:batch/v1:Job").inputs.spec).toBeDefined();
  });
});
