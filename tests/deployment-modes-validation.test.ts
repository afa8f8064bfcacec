import { validateWith } from "./support/config";
import { awakeHoursPerWeek, cronAt, longestSleepHours, parseCron } from "../lib/sleepWindow";

const SLEEP = { timezone: "Asia/Seoul", wake: "08:00", sleep: "20:00", days: ["MON", "TUE", "WED", "THU", "FRI"] };
/** dev's file with three zones: the replicated modes place one TimescaleDB instance per zone. */
const threeZones = (a: Record<string, unknown>): Record<string, unknown> => ({ ...a, network: { ...(a.network as object), availabilityZones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"] } });
const set = (changes: Record<string, unknown>) => (a: Record<string, unknown>): Record<string, unknown> => ({ ...a, ...changes });

describe("entasis:mode is validated", () => {
  it("accepts the committed stacks as they are", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects a mode that does not exist, naming the four", () => {
    expect(validateWith("dev", set({ mode: "triple" })).messages).toEqual([
      'entasis:mode "triple" is not a deployment mode (allowed: single | ha | ha-scaled | multi-region); set entasis:mode to one of them (README "Deployment modes")',
    ]);
  });

  it("refuses single in prod (the environment keeps its strictness), with one message, not one per store", () => {
    expect(validateWith("prod", set({ mode: "single" })).messages[0]).toBe('entasis:mode "single" is a single-zone shape with no replicas, which prod refuses; use entasis:mode ha or above, or entasis:environment dev');
  });

  it("requires a DR region in the modes that recover from copies", () => {
    const noDr = (a: Record<string, unknown>): Record<string, unknown> => threeZones(set({ mode: "ha", sleep: undefined })(a));
    expect(validateWith("dev", noDr).messages).toEqual([
      "entasis:backup.drRegion (unset) is unset, but mode ha keeps copies of every data store in a second region for manual recovery; set entasis:backup.drRegion, e.g. ap-northeast-1 (docs/disaster-recovery.md), or use entasis:mode single",
    ]);
    // prod already requires one for itself: one message, not two.
    expect(validateWith("prod", set({ mode: "multi-region", backup: {} })).messages).toEqual([expect.stringMatching(/^entasis:backup\.drRegion \(unset\) is required in prod/)]);
  });

  it("without entasis:mode, the environment implies the shape dev and prod always had", () => {
    expect(validateWith("dev", (a) => ({ ...a, mode: undefined, sleep: undefined }))).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod", (a) => ({ ...a, mode: undefined, failover: undefined }))).toEqual({ ok: true, messages: [] });
  });

  it("ties multi-region to entasis:failover both ways", () => {
    expect(validateWith("prod", (a) => ({ ...a, mode: undefined })).messages).toEqual([
      'entasis:mode "ha-scaled" has no failover partner, but entasis:failover is set; set entasis:mode multi-region, or remove entasis:failover',
    ]);
    expect(validateWith("prod", (a) => ({ ...a, failover: undefined })).messages).toEqual([
      "entasis:failover (unset) is unset, but mode multi-region pairs this stack with a warm standby in a second region behind Route 53 failover; set entasis:failover (role primary here, role standby in the DR region's stack; docs/failover.md), or use entasis:mode ha-scaled",
    ]);
  });

  it("lets a null remove what the mode adds (ha-scaled's read replica), and dev run as ha-scaled gets prod's shape", () => {
    expect(validateWith("prod", (a) => ({ ...a, data: { ...(a.data as object), postgres: { ...((a.data as { postgres: object }).postgres), replicas: { reporting: null } } } }))).toEqual({ ok: true, messages: [] });
    // dev's strictness with prod's shape: valid once it names a DR region and drops the sleep schedule.
    expect(validateWith("dev", (a) => threeZones(set({ mode: "ha-scaled", sleep: undefined, backup: { drRegion: "ap-northeast-1" } })(a))).messages).toEqual([]);
  });
});

describe("entasis:sleep is validated", () => {
  it("refuses a daily backup the sleeping stack could not run (Velero and the base backup are pods)", () => {
    const at = (schedule: string, timezone = "Asia/Seoul") => validateWith("dev", set({ sleep: SLEEP, backup: { schedule, timezone } })).messages;
    const refusal = (value: string) => [
      `entasis:backup.schedule "${value}" runs while the stack sleeps (awake 08:00-20:00 Asia/Seoul; backups in ${value === "0 19 * * *" ? "Etc/UTC" : "Asia/Seoul"}): Velero and the time-series base backup cannot run on node pools at zero; schedule the daily backup at least 30 minutes after wake and before sleep in Asia/Seoul, e.g. "0 19 * * *" (19:00)`,
    ];
    expect(at("0 1 * * *")).toEqual(refusal("0 1 * * *"));
    expect(at("15 8 * * *")).toEqual(refusal("15 8 * * *"));
    expect(at("0 20 * * *")).toEqual(refusal("0 20 * * *"));
    expect(at("0 19 * * *", "Etc/UTC")).toEqual(refusal("0 19 * * *"));
    expect(at("30 8 * * *")).toEqual([]);
    expect(at("59 19 * * *")).toEqual([]);
    // A short working day: the suggested time is still inside it (30 minutes after wake).
    const short = validateWith("dev", set({ sleep: { ...SLEEP, wake: "08:00", sleep: "08:45" }, backup: { schedule: "0 1 * * *", timezone: "Asia/Seoul" } })).messages;
    expect(short).toEqual([expect.stringMatching(/e\.g\. "30 8 \* \* \*" \(08:30\)$/)]);
  });

  it("accepts dev's weekday schedule in Asia/Seoul", () => {
    expect(validateWith("dev", set({ sleep: SLEEP })).ok).toBe(true);
  });

  it("reports every malformed field at once, each with its fix", () => {
    expect(validateWith("dev", set({ sleep: { timezone: "Korea/Seoul Time", wake: "8am", sleep: "24:00", days: ["MON", "MON", "FUN"] } })).messages).toEqual([
      'entasis:sleep.timezone "Korea/Seoul Time" is not an IANA time zone; use a region/city name, e.g. Asia/Seoul',
      'entasis:sleep.wake "8am" is not a time of day; use "HH:MM" on a 24-hour clock, e.g. "08:00"',
      'entasis:sleep.sleep "24:00" is not a time of day; use "HH:MM" on a 24-hour clock, e.g. "08:00"',
      expect.stringMatching(/^entasis:sleep\.days\[2\] "FUN" /),
    ]);
  });

  it("rejects unknown keys and a sleep time not after the wake time", () => {
    expect(validateWith("dev", set({ sleep: { ...SLEEP, weekends: true } })).messages).toEqual([expect.stringMatching(/^entasis:sleep\.weekends true is not a known setting/)]);
    expect(validateWith("dev", set({ sleep: { ...SLEEP, wake: "20:00", sleep: "08:00" } })).messages).toEqual([
      'entasis:sleep.sleep "08:00" is not later than wake (20:00): the stack would never be awake; set sleep after wake on the same day, e.g. wake 08:00, sleep 20:00',
    ]);
    expect(validateWith("dev", set({ sleep: { ...SLEEP, days: ["MON", "MON"] } })).messages).toEqual([
      'entasis:sleep.days ["MON","MON"] lists a day twice; list each day once, e.g. [MON, TUE, WED, THU, FRI]',
    ]);
  });

  it("only in mode single, and never with a read replica (RDS does not stop an instance that has one)", () => {
    const prodShape = set({ mode: "ha-scaled", sleep: SLEEP, backup: { drRegion: "ap-northeast-1", schedule: "0 19 * * *" } });
    expect(validateWith("dev", (a) => threeZones(prodShape(a))).messages).toEqual([
      expect.stringMatching(/^entasis:sleep \{.*\.\.\. is set in mode ha-scaled, whose replicated data stores and autoscaled pools are not stopped on a timer; remove entasis:sleep, or use entasis:mode single$/),
      expect.stringMatching(/^entasis:sleep \{.*\.\.\. cannot stop PostgreSQL: RDS does not stop an instance that has read replicas \(reporting\); remove entasis:data.postgres.replicas, or remove entasis:sleep$/),
    ]);
  });
});

describe("working-hours arithmetic (lib/sleepWindow.ts)", () => {
  it("writes the scheduler's cron, reads it back and counts awake hours and the longest sleep", () => {
    expect(cronAt("08:00", ["FRI", "MON"])).toBe("cron(0 8 ? * MON,FRI *)");
    expect(cronAt("19:30", ["SUN"])).toBe("cron(30 19 ? * SUN *)");
    expect(parseCron("cron(30 19 ? * SUN *)")).toEqual({ minutes: 19 * 60 + 30, days: ["SUN"] });
    expect(parseCron("rate(5 minutes)")).toBeUndefined();
    expect(parseCron("cron(0 8 ? * MON,XYZ *)")).toBeUndefined();
    expect(awakeHoursPerWeek(SLEEP as never)).toBe(60);
    // Friday 20:00 to Monday 08:00: 60 h, well inside RDS's 7 days before it starts a stopped instance.
    expect(longestSleepHours(SLEEP as never)).toBe(60);
    expect(longestSleepHours({ wake: "09:00", sleep: "10:00", days: ["WED"] })).toBe(167);
  });
});
