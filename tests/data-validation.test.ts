import { ConfigError } from "../stacks/config";
import { parseDailyWindow, parseWeeklyWindow, windowsOverlap } from "../lib/windows";
import { attemptStack } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { validateWith, withField } from "./support/config";
import { TEST_SECRETS } from "./support/query";

const data = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, data: withField(a.data, path, value) }));

describe("data config validation", () => {
  it("accepts both stack files as written", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects Multi-AZ Redis with one node", () => {
    const r = data("prod", ["redis", "nodes"], 1);
    expect(r.messages).toEqual([
      "entasis:data.redis.multiAz true needs at least 2 nodes (a primary and a replica in another AZ), but nodes is 1; set nodes to 2 or more, or multiAz to false",
      "entasis:data.redis.automaticFailover true needs at least 2 nodes (a replica to promote), but nodes is 1; set nodes to 2 or more, or automaticFailover to false",
    ]);
  });

  it("rejects Multi-AZ Redis without automatic failover", () => {
    const r = validateWith("dev", (a) => ({ ...a, data: withField(withField(a.data, ["redis", "multiAz"], true), ["redis", "nodes"], 2) }));
    expect(r.messages).toEqual(["entasis:data.redis.multiAz true requires automatic failover; set automaticFailover: true"]);
  });

  it("rejects a backup retention outside RDS's 0..35 days", () => {
    expect(data("dev", ["postgres", "backupRetentionDays"], 36).messages).toEqual([
      "entasis:data.postgres.backupRetentionDays 36 is outside RDS automated backup retention's 0..35 days; use a value from 0 to 35",
    ]);
  });

  it("requires backups on a primary that has read replicas", () => {
    expect(data("prod", ["postgres", "backupRetentionDays"], 0).messages).toEqual([
      "entasis:data.postgres.backupRetentionDays 0 turns automated backups off, but read replicas need backups on their source; use 1..35, or remove the replicas",
    ]);
  });

  it("rejects a Performance Insights retention AWS does not offer", () => {
    expect(data("prod", ["postgres", "performanceInsights", "retentionDays"], 30).messages).toEqual([
      "entasis:data.postgres.performanceInsights.retentionDays 30 is not a Performance Insights retention; use 7, a multiple of 31 (31..713) or 731",
    ]);
  });

  it("rejects an Enhanced Monitoring interval AWS does not offer", () => {
    expect(data("dev", ["postgres", "monitoringIntervalSeconds"], 45).messages).toEqual([
      "entasis:data.postgres.monitoringIntervalSeconds 45 is not an Enhanced Monitoring interval (allowed: 0, 1, 5, 10, 15, 30, 60); use 60, or 0 to turn it off",
    ]);
  });

  it("rejects a maintenance window that overlaps the backup window", () => {
    expect(data("dev", ["postgres", "maintenanceWindow"], "tue:17:30-tue:18:30").messages).toEqual([
      'entasis:data.postgres.maintenanceWindow "tue:17:30-tue:18:30" overlaps the daily backup window 17:00-18:00, which RDS rejects; move one of the windows',
    ]);
  });

  it("rejects storage autoscaling that cannot grow and gp3 below 20 GiB", () => {
    const r = validateWith("dev", (a) => ({ ...a, data: withField(withField(a.data, ["postgres", "allocatedStorageGiB"], 10), ["postgres", "maxAllocatedStorageGiB"], 10) }));
    expect(r.messages).toEqual(["entasis:data.postgres.allocatedStorageGiB 10 is below the minimum 20; use at least 20"]);
    expect(data("dev", ["postgres", "maxAllocatedStorageGiB"], 20).messages).toEqual([
      "entasis:data.postgres.maxAllocatedStorageGiB 20 must be greater than allocatedStorageGiB 20 for storage autoscaling; use at least 21",
    ]);
  });

  it("rejects unsupported engine versions and a pinned minor with automatic minor upgrades", () => {
    expect(data("dev", ["postgres", "engineVersion"], "12").messages).toEqual([
      'entasis:data.postgres.engineVersion "12" is not a PostgreSQL major RDS supports (14, 15, 16, 17, 18); use e.g. "17.7"',
    ]);
    expect(data("dev", ["postgres", "engineVersion"], "17.7").messages).toEqual([
      'entasis:data.postgres.engineVersion "17.7" pins a minor version while autoMinorVersionUpgrade is true, so the next pulumi up would try to undo AWS\'s upgrade; give only the major ("17") or set autoMinorVersionUpgrade: false',
    ]);
    expect(data("dev", ["redis", "engineVersion"], "8.0").messages).toEqual(['entasis:data.redis.engineVersion "8.0" is not a supported redis version (6.2, 7.0, 7.1); use e.g. "7.1" (quoted)']);
  });

  it("rejects instance classes and node types that are not ones", () => {
    expect(data("dev", ["postgres", "instanceClass"], "t4g.medium").messages).toEqual(['entasis:data.postgres.instanceClass "t4g.medium" is not an RDS instance class; use e.g. db.t4g.medium or db.r7g.xlarge']);
    expect(data("dev", ["redis", "nodeType"], "r7g.large").messages).toEqual(['entasis:data.redis.nodeType "r7g.large" is not an ElastiCache node type; use e.g. cache.t4g.small or cache.r7g.large']);
  });

  it("refuses to drop protection in prod", () => {
    expect(data("prod", ["protect"], false).messages).toEqual([
      "entasis:data.protect false turns off deletion protection and final snapshots in prod; keep protect: true in prod; remove protection in a reviewed change right before a planned teardown",
    ]);
  });

  it("caps the replica count and checks replica names", () => {
    const six = Object.fromEntries(["a1", "b2", "c3", "d4", "e5", "f6"].map((k) => [k, {}]));
    // null drops mode ha-scaled's own `reporting` replica, so the six are all there is.
    expect(data("prod", ["postgres", "replicas"], { reporting: null, ...six }).messages).toEqual([
      'entasis:data.postgres.replicas ["a1","b2","c3","d4","e5","f6"] has more than 5 read replicas (RDS for PostgreSQL allows 15, we cap at 5 to bound cost and replication load); remove replicas or raise the cap in stacks/schema/data.ts',
    ]);
    expect(data("prod", ["postgres", "replicas"], { Reporting_1: {} }).messages).toEqual([
      'entasis:data.postgres.replicas.Reporting_1 "Reporting_1" is not a valid replica name (lowercase letters, digits and \'-\', 2..32 chars); rename it, e.g. reporting',
      'entasis:data.postgres.replicas.Reporting_1 "entasis-prod-postgres-Reporting_1" gives the RDS name "entasis-prod-postgres-Reporting_1", which is not 1..63 lowercase letters, digits and single hyphens; shorten the stack or replica name',
    ]);
  });

  it("refuses a consumer that would log in as the master user", () => {
    expect(data("dev", ["postgres", "consumers", "admin-tool"], { username: "entasis_admin" }).messages).toEqual([
      'entasis:data.postgres.consumers.admin-tool.username "entasis_admin" is the master user or a reserved role; give every application its own least-privilege user',
    ]);
  });

  it("rejects lifecycle transitions S3 refuses", () => {
    expect(data("prod", ["objectStorage", "marketData", "lifecycle", "transitions"], [{ days: 10, storageClass: "STANDARD_IA" }]).messages).toEqual([
      "entasis:data.objectStorage.marketData.lifecycle.transitions[0].days 10 is below the 30 days S3 requires before STANDARD_IA; use 30 or more",
    ]);
    expect(data("prod", ["objectStorage", "accessLogs", "lifecycle", "expirationDays"], 60).messages).toEqual([
      "entasis:data.objectStorage.accessLogs.lifecycle.expirationDays 60 expires objects before or when they reach GLACIER_IR (90 days); expire later or drop the transition",
    ]);
  });
});

describe("backup and maintenance windows", () => {
  const overlap = (daily: string, weekly: string): boolean => {
    const d = parseDailyWindow(daily);
    const w = parseWeeklyWindow(weekly);
    if (!d || !w) throw new Error("unparsable window");
    return windowsOverlap(d, w);
  };
  it("finds overlaps on any day, across midnight and across the week's end", () => {
    expect(overlap("17:00-18:00", "sun:18:30-sun:19:30")).toBe(false);
    expect(overlap("17:00-18:00", "wed:17:59-wed:18:30")).toBe(true);
    expect(overlap("23:30-00:30", "mon:00:00-mon:00:45")).toBe(true);
    expect(overlap("01:00-02:00", "sun:23:30-mon:01:30")).toBe(true);
    expect(overlap("03:00-04:00", "sun:23:30-mon:01:30")).toBe(false);
  });
});

describe("a bad data config stops the program before any resource", () => {
  it("Multi-AZ Redis with one node: ConfigError naming the key, and nothing registered but the stack", async () => {
    const dataArea = JSON.parse(loadStackFile("dev").config["entasis:data"]) as { redis: Record<string, unknown> };
    dataArea.redis = { ...dataArea.redis, multiAz: true, automaticFailover: true };
    const run = await attemptStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:data": dataArea } });
    expect(run.error).toBeInstanceOf(ConfigError);
    expect(run.error instanceof ConfigError && run.error.problems.map((p) => p.key)).toEqual(["entasis:data.redis.multiAz", "entasis:data.redis.automaticFailover"]);
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("a retention outside RDS's range: ConfigError and nothing registered", async () => {
    const dataArea = JSON.parse(loadStackFile("prod").config["entasis:data"]) as { postgres: Record<string, unknown> };
    dataArea.postgres = { ...dataArea.postgres, backupRetentionDays: 40 };
    const run = await attemptStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:data": dataArea } });
    expect(run.error instanceof ConfigError && run.error.message).toContain("entasis:data.postgres.backupRetentionDays 40 is outside RDS automated backup retention's 0..35 days");
    expect(run.resources.filter((r) => r.custom)).toEqual([]);
  });
});
