/**
 * The four load shapes of the spec (001 "Load Testing", "Test Shapes": stages ramps to 10k users,
 * stress finds the breaking point, soak runs for an extended duration, spike sends sudden bursts),
 * as data. The locustfile's LoadTestShape classes read exactly this data (written into the lib
 * ConfigMap as shapes.json), so what tests read here is what Locust runs.
 *
 * Stages are k6-style, as in Locust's own "time based stages" example: each stage holds until
 * `untilSeconds` of run time, with `users` as the target and `spawnRate` users per second to get
 * there. https://docs.locust.io/en/stable/custom-load-shape.html
 */

export const SHAPE_NAMES = ["stages", "stress", "soak", "spike"] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

/** Concurrent users at which the spec states its targets (001 "Performance Benchmarks"). */
export const SPEC_TARGET_USERS = 10_000;

export interface ShapeStage {
  /** Run time (seconds since start) until which this stage holds. */
  readonly untilSeconds: number;
  /** Target concurrent users. */
  readonly users: number;
  /** Users started (or stopped) per second on the way to the target. */
  readonly spawnRate: number;
}

/** When the stress shape has found the breaking point: it stops and records the users it reached. */
export interface BreakingPoint {
  /** Failed share of requests over the last stats window. */
  readonly errorRatio: number;
  /** Current p95 response time, seconds. */
  readonly p95Seconds: number;
}

export interface LoadShape {
  /** The LoadTestShape class in the locustfile. */
  readonly className: string;
  /** The spec's file name for this shape (001 "Test Shapes"). */
  readonly specFile: string;
  readonly description: string;
  readonly stages: readonly ShapeStage[];
  /** Stop early once the system breaks (stress only). */
  readonly stopWhen?: BreakingPoint;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Steps of `step` users every `every` seconds from `from` to `to` users, starting at `start` seconds. */
function steps(start: number, from: number, to: number, step: number, every: number, spawnRate: number): ShapeStage[] {
  const out: ShapeStage[] = [];
  for (let users = from, t = start; users <= to; users += step, t += every) out.push({ untilSeconds: t + every, users, spawnRate });
  return out;
}

export const LOAD_SHAPES: Readonly<Record<ShapeName, LoadShape>> = {
  // 1k -> 10k in five steps over 25 minutes, 15 minutes at 10k (where the spec's targets apply), ramp down.
  stages: {
    className: "StagesShape",
    specFile: "run_stages.py",
    description: `ramps in steps to ${SPEC_TARGET_USERS} users, holds 15 minutes there, ramps down`,
    stages: [
      { untilSeconds: 5 * MINUTE, users: 1_000, spawnRate: 20 },
      { untilSeconds: 10 * MINUTE, users: 2_500, spawnRate: 20 },
      { untilSeconds: 15 * MINUTE, users: 5_000, spawnRate: 25 },
      { untilSeconds: 20 * MINUTE, users: 7_500, spawnRate: 25 },
      { untilSeconds: 25 * MINUTE, users: SPEC_TARGET_USERS, spawnRate: 25 },
      { untilSeconds: 40 * MINUTE, users: SPEC_TARGET_USERS, spawnRate: 25 },
      { untilSeconds: 45 * MINUTE, users: 0, spawnRate: 50 },
    ],
  },
  // Past the target in steps of 2,500 users every 5 minutes up to 3x the target; stops at the
  // breaking point (5% errors or p95 above 10 s, twice the SLO), which the run summary records.
  stress: {
    className: "StressShape",
    specFile: "run_stress.py",
    description: `steps of 2,500 users every 5 minutes from 5,000 to ${3 * SPEC_TARGET_USERS}; stops at the breaking point`,
    stages: steps(0, 5_000, 3 * SPEC_TARGET_USERS, 2_500, 5 * MINUTE, 50),
    stopWhen: { errorRatio: 0.05, p95Seconds: 10 },
  },
  // 75% of the target (the load that must survive a lost zone) for 4 hours: leaks, pool exhaustion, disk growth.
  soak: {
    className: "SoakShape",
    specFile: "run_soak.py",
    description: `${0.75 * SPEC_TARGET_USERS} users for 4 hours after a 10-minute ramp`,
    stages: [
      { untilSeconds: 10 * MINUTE, users: 0.75 * SPEC_TARGET_USERS, spawnRate: 15 },
      { untilSeconds: 10 * MINUTE + 4 * HOUR, users: 0.75 * SPEC_TARGET_USERS, spawnRate: 15 },
      { untilSeconds: 15 * MINUTE + 4 * HOUR, users: 0, spawnRate: 50 },
    ],
  },
  // A 1,000-user baseline with two bursts to the target within 30 s (333 users/s), 3 minutes each.
  spike: {
    className: "SpikeShape",
    specFile: "run_spike.py",
    description: `1,000-user baseline, two bursts to ${SPEC_TARGET_USERS} users within 30 s, 3 minutes each`,
    stages: [
      { untilSeconds: 5 * MINUTE, users: 1_000, spawnRate: 20 },
      { untilSeconds: 8 * MINUTE + 30, users: SPEC_TARGET_USERS, spawnRate: 300 },
      { untilSeconds: 15 * MINUTE, users: 1_000, spawnRate: 300 },
      { untilSeconds: 18 * MINUTE + 30, users: SPEC_TARGET_USERS, spawnRate: 300 },
      { untilSeconds: 25 * MINUTE, users: 1_000, spawnRate: 300 },
      { untilSeconds: 26 * MINUTE, users: 0, spawnRate: 100 },
    ],
  },
};

/** Peak users of a shape. */
export function peakUsers(shape: LoadShape): number {
  return Math.max(...shape.stages.map((s) => s.users));
}

/** Seconds a shape runs when nothing stops it early. */
export function durationSeconds(shape: LoadShape): number {
  return shape.stages[shape.stages.length - 1]?.untilSeconds ?? 0;
}
