import { validateWith, withField } from "./support/config";

const col = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, collectors: withField(a.collectors, path, value) }));

describe("collectors config validation", () => {
  it("accepts both stack files as written (placeholders pass in previews)", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects one replica in prod, but not in dev", () => {
    expect(col("prod", ["feeds", "exchange-api", "replicas"], 1).messages).toEqual(['entasis:collectors.feeds.exchange-api.replicas 1 is one pod in prod, so a node or zone loss stops the feed; use 2 or more (they spread over zones)']);
    expect(col("dev", ["feeds", "exchange-api", "replicas"], 1).ok).toBe(true);
  });

  it("rejects a port listed twice, a request above its limit and a feed key that cannot name its objects", () => {
    expect(col("dev", ["feeds", "data-feed", "target", "ports"], [443, 443]).messages).toEqual(['entasis:collectors.feeds.data-feed.target.ports [443,443] lists a port twice; list each port once']);
    expect(col("dev", ["feeds", "data-feed", "resources", "requests", "cpu"], "2").messages).toEqual(['entasis:collectors.feeds.data-feed.resources.requests.cpu "2" is above the limit 1; make the request <= the limit']);
    const bad = validateWith("dev", (a) => ({ ...a, collectors: withField(a.collectors, ["feeds", "Bad_Feed"], { description: "x", image: "r.example.com/x:1", replicas: 2, resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } }, target: { host: "feed.vendor.io", ports: [443] }, metricsPort: 9090, staleAfterSeconds: 60 }) }));
    expect(bad.messages[0]).toMatch(/^entasis:collectors.feeds.Bad_Feed "Bad_Feed" is not a feed key/);
  });

  it("refuses config that would take a collector's own broker user, config tree or time-series role", () => {
    const taken = validateWith("dev", (a) => ({ ...a, messaging: withField(a.messaging, ["users", "collector-data-feed"], { username: "someone_else" }) }));
    expect(taken.messages).toEqual(['entasis:collectors.feeds.data-feed "data-feed" would add collector-data-feed to entasis:messaging.users, which config already sets; remove entasis:messaging.users.collector-data-feed: the platform gives each collector its own entry']);
    const user = validateWith("dev", (a) => ({ ...a, messaging: withField(a.messaging, ["users", "feeds"], { username: "collector_exchange_api" }) }));
    expect(user.messages).toEqual(['entasis:collectors.feeds.exchange-api "exchange-api" would create user/role collector_exchange_api, which entasis:messaging.users.feeds already uses; rename the feed or that user']);
  });

  it("brings the market-data database's owner when no time-series consumer owns it, unless that owner's key or role is taken", () => {
    expect(col("dev", ["database"], "ticks").ok).toBe(true);
    const clash = validateWith("dev", (a) => ({ ...a, collectors: withField(a.collectors, ["database"], "ticks"), timeseries: withField(a.timeseries, ["consumers", "ticks"], { username: "someone", database: "other" }) }));
    expect(clash.messages).toEqual(['entasis:collectors.database "ticks" has no owner among entasis:timeseries.consumers, and the owner the collectors would add (ticks: ticks) collides with consumer ticks; name a consumer\'s database here, or give ticks another key and role']);
  });

  it("drops a default feed with enabled: false, and everything with collectors off", () => {
    expect(col("dev", ["feeds", "data-feed", "enabled"], false).ok).toBe(true);
    expect(col("prod", ["enabled"], false).ok).toBe(true);
  });
});

describe("mesh config validation", () => {
  const mesh = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, mesh: withField(a.mesh, path, value) }));
  it("refuses PERMISSIVE and a single istiod in prod, allows both in dev", () => {
    expect(mesh("prod", ["mtlsMode"], "PERMISSIVE").messages).toEqual([
      'entasis:mesh.mtlsMode "PERMISSIVE" accepts plaintext between services in prod, so a connection that bypasses the mesh is neither authenticated nor encrypted; use STRICT (PERMISSIVE only while migrating, in dev)',
    ]);
    expect(mesh("prod", ["istiodReplicas"], 1).messages).toEqual(["entasis:mesh.istiodReplicas 1 is one istiod in prod: while it is down no certificate is renewed and no new pod joins the mesh; use 2 or more"]);
    expect(mesh("dev", ["mtlsMode"], "PERMISSIVE").ok).toBe(true);
    expect(mesh("prod", ["enabled"], false).ok).toBe(true);
  });
});
