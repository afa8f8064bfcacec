import { cnpgDailyScheduleUtc, utcOffsetMinutes, zoneHasFixedOffset } from "../lib/cnpgSchedule";
import { retentionPolicyDays } from "../stacks/schema/timeseries";
import { validateWith, withField } from "./support/config";

const ts = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, timeseries: withField(a.timeseries, path, value) }));

describe("entasis:timeseries validation", () => {
  it("accepts both stack files with the environment defaults", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects prod with fewer than 3 instances, naming the key; dev may run one", () => {
    expect(ts("prod", ["instances"], 1).messages).toEqual([
      "entasis:timeseries.instances 1 is below 3 in prod, so losing one zone loses the primary or its only standby; use 3 (one instance per zone)",
      "entasis:timeseries.synchronousReplicas 1 needs more standbys than the 0 that 1 instance(s) have, so every commit would block; use at most 0, or raise instances",
    ]);
    expect(ts("dev", ["instances"], 1).ok).toBe(true);
  });

  it("requires a synchronous standby in prod and never more than the standbys there are", () => {
    expect(ts("prod", ["synchronousReplicas"], 0).messages).toEqual(["entasis:timeseries.synchronousReplicas 0 is 0 in prod, so a failover can lose committed candles; use 1"]);
    expect(ts("dev", ["synchronousReplicas"], 1).messages).toEqual([
      "entasis:timeseries.synchronousReplicas 1 needs more standbys than the 0 that 1 instance(s) have, so every commit would block; use at most 0, or raise instances",
    ]);
  });

  it("requires two PgBouncer instances in prod", () => {
    expect(ts("prod", ["pooler", "instances"], 1).messages).toEqual(["entasis:timeseries.pooler.instances 1 is below 2 in prod, so one node loss cuts every client off; use 2 or more"]);
  });

  it("rejects storage outside 1..16384 GiB", () => {
    expect(ts("dev", ["storageGiB"], 0).messages).toEqual(["entasis:timeseries.storageGiB 0 is below the minimum 1; use at least 1"]);
    expect(ts("prod", ["walStorageGiB"], 20000).messages).toEqual(["entasis:timeseries.walStorageGiB 20000 is above the maximum 16384; use at most 16384"]);
  });

  it("rejects a pool that does not exist, a GPU pool, and more instances than the pool can hold", () => {
    expect(ts("dev", ["pool"], "timeseries").messages).toEqual([
      'entasis:timeseries.pool "timeseries" is not a node pool of entasis:cluster.nodePools; use one of general, ai-inference, data-processing',
    ]);
    // The GPU pool idles at 0 nodes, so the zonal capacity check (stacks/schema/zonalCapacity.ts) also says the instances could not start.
    const gpu = ts("prod", ["pool"], "ai-inference").messages;
    expect(gpu).toContain('entasis:timeseries.pool "ai-inference" is a GPU pool; a database would hold GPU nodes it cannot use; use the data-processing pool or a pool of its own');
    expect(gpu.filter((m) => m.startsWith("entasis:cluster.nodePools.ai-inference.minSize 0 "))).toHaveLength(2);
    const nine = ts("prod", ["instances"], 9).messages;
    expect(nine).toHaveLength(3);
    expect(nine).toEqual(
      expect.arrayContaining([
        "entasis:timeseries.instances 9 exceeds pool data-processing's maxSize 8; instances need a node each; raise entasis:cluster.nodePools.data-processing.maxSize or lower instances",
        "entasis:timeseries.instances 9 places one pod per zone, but the stack has 3 zones; use at most 3, or add zones",
        "entasis:cluster.nodePools.data-processing.minSize 3 cannot place the 9 TimescaleDB instances (PGDATA + WAL on EBS) (entasis:timeseries.instances) at minimum, one node each; use at least 9",
      ]),
    );
  });

  it("rejects a backup retention shorter than the spec's daily tier, or not in CNPG's form", () => {
    expect(ts("prod", ["backup", "retention"], "5d").messages).toEqual([
      'entasis:timeseries.backup.retention "5d" keeps less than the spec\'s daily tier (entasis:backup.retention.daily = 7 days); use at least "7d"',
    ]);
    expect(ts("dev", ["backup", "retention"], "7 days").messages).toEqual(['entasis:timeseries.backup.retention "7 days" is not a CNPG retention policy (<n>d, <n>w or <n>m); use e.g. "7d"']);
    expect(ts("dev", ["backup", "retention"], "2w").ok).toBe(true);
  });

  it("follows the spec's daily tier when no retention is set, so a longer daily tier never conflicts", () => {
    const r = validateWith("prod", (a) => ({ ...a, backup: withField(withField(a.backup, ["retention", "daily"], 14), ["retention", "weekly"], 4) }));
    expect(r).toEqual({ ok: true, messages: [] });
  });

  it("rejects a backup time zone with daylight saving time (CNPG schedules are fixed UTC crons)", () => {
    const r = validateWith("prod", (a) => ({ ...a, backup: withField(a.backup, ["timezone"], "Europe/Berlin") }));
    expect(r.messages).toEqual(['entasis:backup.timezone "Europe/Berlin" has daylight saving time, and CloudNativePG\'s ScheduledBackup runs on a fixed UTC cron; use a zone with one UTC offset all year (e.g. Asia/Seoul) or Etc/UTC']);
  });

  it("rejects an image whose tag is not the configured PostgreSQL major", () => {
    expect(ts("dev", ["image"], "timescale/timescaledb-ha:pg16.9-ts2.18.2").messages).toEqual([
      'entasis:timeseries.image "timescale/timescaledb-ha:pg16.9-ts2.18.2" does not carry PostgreSQL 17 (timescaledb-ha tags start with pg<major>); use a pg17* tag or change postgresMajor',
    ]);
  });

  it("rejects reserved or shared roles and databases", () => {
    const r = validateWith("dev", (a) => ({
      ...a,
      timeseries: withField(a.timeseries, ["consumers"], { a: { username: "postgres", database: "template1" }, b: { username: "shared", database: "x" }, c: { username: "shared", database: "x" } }),
    }));
    expect(r.messages).toEqual([
      'entasis:timeseries.consumers.a.username "postgres" is a role PostgreSQL or CloudNativePG owns; give the application its own role',
      'entasis:timeseries.consumers.a.database "template1" is a system database; give the application its own database',
      'entasis:timeseries.consumers.b.username "shared" is used by more than one consumer; one role per application',
      'entasis:timeseries.consumers.b.database "x" is used by more than one consumer; one database per application',
      'entasis:timeseries.consumers.c.username "shared" is used by more than one consumer; one role per application',
      'entasis:timeseries.consumers.c.database "x" is used by more than one consumer; one database per application',
    ]);
  });

  it("rejects an unknown setting", () => {
    const r = ts("dev", ["replicas"], 3);
    expect(r.messages).toEqual([
      "entasis:timeseries.replicas 3 is not a known setting; remove it from Pulumi.dev.yaml or fix its spelling (known here: namespace, pool, instances, synchronousReplicas, postgresMajor, image, storageGiB, walStorageGiB, resources, pooler, backup, alerts, clientNamespaces, operatorReplicas, consumers, restore)",
    ]);
  });
});

describe("CNPG schedule and retention mapping", () => {
  it("moves 01:00 Asia/Seoul (UTC+9, no DST) to CNPG's six-field 16:00 UTC", () => {
    expect(utcOffsetMinutes("Asia/Seoul", new Date(Date.UTC(2026, 6, 1)))).toBe(540);
    expect(cnpgDailyScheduleUtc({ minute: 0, hour: 1 }, "Asia/Seoul")).toBe("0 0 16 * * *");
    expect(cnpgDailyScheduleUtc({ minute: 30, hour: 10 }, "Asia/Seoul")).toBe("0 30 1 * * *");
    expect(cnpgDailyScheduleUtc({ minute: 0, hour: 1 }, "Etc/UTC")).toBe("0 0 1 * * *");
    expect(cnpgDailyScheduleUtc({ minute: 15, hour: 23 }, "Asia/Kolkata")).toBe("0 45 17 * * *");
  });

  it("knows which zones keep one offset all year", () => {
    expect(zoneHasFixedOffset("Asia/Seoul")).toBe(true);
    expect(zoneHasFixedOffset("Etc/UTC")).toBe(true);
    expect(zoneHasFixedOffset("America/New_York")).toBe(false);
  });

  it("reads CNPG retention policies as days", () => {
    expect([retentionPolicyDays("7d"), retentionPolicyDays("4w"), retentionPolicyDays("12m")]).toEqual([7, 28, 336]);
  });
});
