import { RecordedResource, RunResult } from "../tools/offline/harness";
import { collectorAlerts } from "../components/collectors/collectorRules";
import { collectorNames } from "../components/collectors/names";
import { jsonInput, named, ofType } from "./support/query";
import { iamList, policyStatements, recordedRuns } from "./support/runs";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const FEEDS = ["exchange-api", "data-feed"] as const;

const runs = recordedRuns(["dev", "prod"]);
type Obj = Record<string, unknown>;
const spec = (r: RecordedResource): Obj => r.inputs.spec as Obj;
const meta = (r: RecordedResource): Obj => r.inputs.metadata as Obj;

describe.each(["dev", "prod"] as const)("collectors of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const inNs = (type: string): RecordedResource[] => ofType(run(), type).filter((r) => meta(r).namespace === "collectors");

  it("have a restricted namespace with default deny, and one Deployment per feed on the general pool, spread over zones, each with a PDB", () => {
    const ns = named(run(), "collectors-ns");
    expect((meta(ns).labels as Obj)["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const deny = named(run(), "collectors-network-policies-default-deny", NETPOL);
    expect(spec(deny)).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });

    const deployments = inNs(DEPLOYMENT);
    expect(deployments.map((d) => meta(d).name).sort()).toEqual(FEEDS.map((f) => `collector-${f}`).sort());
    for (const feed of FEEDS) {
      const n = collectorNames(feed);
      const d = named(run(), `collectors-${feed}-deployment`, DEPLOYMENT);
      const pod = (spec(d).template as Obj).spec as Obj;
      expect(pod.nodeSelector).toEqual({ role: "general" });
      expect(pod.serviceAccountName).toBe(n.app);
      expect(spec(d).replicas).toBe(2);
      expect(pod.topologySpreadConstraints).toEqual(expect.arrayContaining([expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: expect.objectContaining({ app: n.app }) } })]));
      const container = (pod.containers as Obj[])[0];
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      const pdb = named(run(), `collectors-${feed}-pdb`, "kubernetes:policy/v1:PodDisruptionBudget");
      expect(spec(pdb)).toEqual({ maxUnavailable: 1, selector: { matchLabels: expect.objectContaining({ app: n.app }) } });
      // Waits for the general pool's nodes and for its broker user.
      const deps = d.dependencies;
      // The general pool is a node group per zone (tests/zone-aware-capacity.test.ts): it waits for each.
      const general = ofType(run(), "aws:eks/nodeGroup:NodeGroup").filter((g) => g.name.startsWith("cluster-general-ng-"));
      expect(general.length).toBeGreaterThanOrEqual(2);
      for (const g of general) expect(deps).toContain(g.urn);
      expect(deps).toContain(named(run(), "messaging-users-job").urn);
    }
  });

  it("give each collector an IRSA role that reads only its own configuration tree, broker user and TimescaleDB role", () => {
    const policies = ofType(run(), "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("collectors-") && p.name.endsWith("-irsa-own"));
    expect(policies).toHaveLength(FEEDS.length);
    for (const feed of FEEDS) {
      const n = collectorNames(feed);
      const doc = { Statement: policyStatements(named(run(), `collectors-${feed}-irsa-own`)) };
      const ssm = doc.Statement.filter((s) => iamList(s.Action).some((a) => a.startsWith("ssm:")));
      expect(ssm.flatMap((s) => iamList(s.Resource))).toEqual([
        `arn:aws:ssm:ap-northeast-2:123456789012:parameter/entasis/${stack}/config/${n.app}`,
        `arn:aws:ssm:ap-northeast-2:123456789012:parameter/entasis/${stack}/config/${n.app}/*`,
      ]);
      const secrets = doc.Statement.filter((s) => iamList(s.Action).some((a) => a.startsWith("secretsmanager:"))).flatMap((s) => iamList(s.Resource));
      const brokerArn = (named(run(), `messaging-user-${n.app}`, "aws:secretsmanager/secret:Secret").state as { arn: string }).arn;
      const tsArn = (named(run(), `timeseries-consumers-${n.app}`, "aws:secretsmanager/secret:Secret").state as { arn: string }).arn;
      expect(secrets.sort()).toEqual([brokerArn, tsArn].sort());
      // Nothing else: every statement is one of the four.
      expect(doc.Statement.map((s) => s.Sid).sort()).toEqual(["DecryptOwnConfig", "DecryptViaSecretsManager", "ReadOwnConfig", "ReadOwnSecrets"]);
      const trust = jsonInput(named(run(), `collectors-${feed}-irsa-role`), "assumeRolePolicy") as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
      expect(Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(":sub"))?.[1]).toBe(`system:serviceaccount:collectors:${n.app}`);
    }
  });

  it("give each collector a broker user limited to its own exchange and queues, and a config tree of its own", () => {
    const job = named(run(), "messaging-users-job", "kubernetes:batch/v1:Job");
    const users = String((((spec(job).template as Obj).metadata as Obj).annotations as Obj)["entasis.io/users"]).split("; ");
    for (const feed of FEEDS) {
      const n = collectorNames(feed);
      const perm = `^market[.]${feed}([.].+)?$`;
      expect(users).toContain(`${n.user} market-data ${perm} ${perm} ${perm}`);
      expect(new RegExp(perm).test(`market.${feed}`) && new RegExp(perm).test(`market.${feed}.raw`)).toBe(true);
      for (const other of FEEDS.filter((f) => f !== feed)) expect(new RegExp(perm).test(`market.${other}.raw`)).toBe(false);
      const params = ofType(run(), "aws:ssm/parameter:Parameter").filter((p) => String(p.inputs.name).startsWith(`/entasis/${stack}/config/${n.app}/`));
      expect(params.map((p) => String(p.inputs.name).split(`${n.app}/`)[1]).sort()).toEqual(
        ["feed/target/host", "feed/target/ports", "rabbitmq/exchange", "rabbitmq/queue", "rabbitmq/url", "rabbitmq/vhost", "redis/enabled", "timeseries/database", "timeseries/schema"].sort(),
      );
      expect(params.find((p) => String(p.inputs.name).endsWith("/rabbitmq/exchange"))?.inputs.value).toBe(n.exchange);
    }
  });

  it("give each collector a TimescaleDB role that owns one schema in market_data and no database", () => {
    const db = named(run(), "timeseries-db-market-data");
    expect(spec(db).owner).toBe("market_data");
    expect(spec(db).schemas).toEqual(FEEDS.map((f) => ({ name: collectorNames(f).schema, owner: collectorNames(f).user, ensure: "present" })));
    const owners = ofType(run(), "kubernetes:postgresql.cnpg.io/v1:Database").map((d) => spec(d).owner);
    for (const feed of FEEDS) expect(owners).not.toContain(collectorNames(feed).user);
    const roles = ((spec(named(run(), "timeseries-cluster")).managed as Obj).roles as Obj[]).map((r) => r.name);
    for (const feed of FEEDS) expect(roles).toContain(collectorNames(feed).user);
  });

  it("give each collector egress only to DNS, the internet on its ports (never the metadata service), the broker and the pooler", () => {
    const egress = inNs(NETPOL).filter((p) => (spec(p).policyTypes as string[]).includes("Egress") && Object.keys(spec(p).podSelector as Obj).length > 0);
    expect(egress).toHaveLength(FEEDS.length);
    for (const feed of FEEDS) {
      const n = collectorNames(feed);
      const p = named(run(), `collectors-network-policies-${feed}-egress`, NETPOL);
      expect(spec(p).podSelector).toEqual({ matchLabels: { app: n.app } });
      const rules = spec(p).egress as { to: Obj[]; ports: { port: number }[] }[];
      expect(rules.map((r) => r.ports.map((x) => x.port))).toEqual([[53, 53], [443], [5671], [5432]]);
      expect(rules[1].to).toEqual([{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }]);
      expect(rules[2].to.every((t) => /^10\.\d+\.\d+\.0\/24$/.test(String((t.ipBlock as Obj).cidr)))).toBe(true);
      expect(rules[3].to).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "timeseries" } }, podSelector: { matchLabels: { "cnpg.io/poolerName": "timeseries-pooler-rw" } } }]);
      const ingress = named(run(), `collectors-network-policies-${feed}-metrics`, NETPOL);
      expect(spec(ingress).podSelector).toEqual({ matchLabels: { app: n.app } });
    }
    // The pooler admits the collectors' namespace.
    const pooler = named(run(), "timeseries-network-policies-pooler-ingress", NETPOL);
    expect(JSON.stringify(spec(pooler).ingress)).toContain('"collectors"');
  });

  it("are scraped, alert on a stale feed and on reconnect storms, and have a dashboard panel per feed", () => {
    const monitor = named(run(), "collectors-monitoring-pods");
    expect(spec(monitor)).toMatchObject({ selector: { matchLabels: { "app.kubernetes.io/component": "collector" } }, podMetricsEndpoints: [{ port: "metrics" }] });
    const rules = ((spec(named(run(), "collectors-monitoring-rules")).groups as Obj[])[0].rules as { alert: string; labels: { feed?: string }; expr: string }[]);
    expect(rules.filter((r) => r.alert === "CollectorFeedStale").map((r) => r.labels.feed).sort()).toEqual([...FEEDS].sort());
    expect(rules.find((r) => r.alert === "CollectorFeedStale" && r.labels.feed === "exchange-api")?.expr).toContain("> 60");
    expect(rules.filter((r) => r.alert === "CollectorReconnectStorm")).toHaveLength(1);
    const dashboard = JSON.parse(Object.values((named(run(), "collectors-monitoring-dashboard").inputs.data as Record<string, string>))[0]) as { panels: { title: string }[] };
    expect(dashboard.panels.map((p) => p.title.split(":")[0]).sort()).toEqual([...FEEDS].sort());
  });

  it("export what an app team needs to ship a collector image", () => {
    const out = run().outputs.collectors as { namespace: string; feeds: Record<string, Obj> };
    expect(out.namespace).toBe("collectors");
    expect(Object.keys(out.feeds).sort()).toEqual([...FEEDS].sort());
    expect(out.feeds["exchange-api"]).toMatchObject({
      serviceAccount: "collector-exchange-api",
      configPath: `/entasis/${stack}/config/collector-exchange-api`,
      broker: { vhost: "market-data", exchange: "market.exchange-api", queue: "market.exchange-api.raw", user: "collector_exchange_api" },
      timeseries: { database: "market_data", schema: "exchange_api", user: "collector_exchange_api" },
    });
  });
});

describe("collector alert rules", () => {
  it("fire when a feed is silent or absent, with each feed's own threshold", () => {
    const rules = collectorAlerts({ namespace: "c", feeds: { a: { staleAfterSeconds: 30 }, b: { staleAfterSeconds: 900 } }, reconnectsPer15m: 5, for: "1m" });
    expect(rules.map((r) => [r.alert, r.labels.feed])).toEqual([["CollectorFeedStale", "a"], ["CollectorFeedStale", "b"], ["CollectorReconnectStorm", undefined]]);
    expect(rules[0].expr).toBe('(time() - max(collector_last_publish_timestamp_seconds{namespace="c",feed="a"}) > 30) or absent(collector_last_publish_timestamp_seconds{namespace="c",feed="a"})');
    expect(rules[2].expr).toContain("> 5");
  });
});
