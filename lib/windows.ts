/**
 * RDS and ElastiCache maintenance and backup windows, as minutes of the week (UTC), so that
 * lengths and overlaps can be checked before AWS rejects them.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Maintenance.html
 */

export const DAILY_WINDOW_RE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
export const WEEKLY_WINDOW_RE = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY = 24 * 60;
const WEEK = 7 * DAY;

/** A window: start minute (of the day or week) and length; it may wrap past midnight / the week's end. */
export interface Window {
  readonly start: number;
  readonly minutes: number;
  readonly period: number;
}

export function parseDailyWindow(text: string): Window | undefined {
  const m = DAILY_WINDOW_RE.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return { start, minutes: (end - start + DAY) % DAY, period: DAY };
}

export function parseWeeklyWindow(text: string): Window | undefined {
  const m = WEEKLY_WINDOW_RE.exec(text.toLowerCase());
  if (!m) return undefined;
  const start = DAYS.indexOf(m[1]) * DAY + Number(m[2]) * 60 + Number(m[3]);
  const end = DAYS.indexOf(m[4]) * DAY + Number(m[5]) * 60 + Number(m[6]);
  return { start, minutes: (end - start + WEEK) % WEEK, period: WEEK };
}

/** Every occurrence of a window within one week, as [start, end) intervals (unwrapped). */
function occurrences(w: Window): [number, number][] {
  const out: [number, number][] = [];
  for (let s = w.start; s < WEEK; s += w.period) out.push([s, s + w.minutes]);
  return out;
}

/** True when any occurrence of `a` intersects any occurrence of `b` (windows compared modulo a week). */
export function windowsOverlap(a: Window, b: Window): boolean {
  for (const [as, ae] of occurrences(a)) {
    for (const [bs, be] of occurrences(b)) {
      // Compare with b shifted a week either way so wrap-around at the week's end is covered.
      for (const shift of [-WEEK, 0, WEEK]) {
        if (as < be + shift && bs + shift < ae) return true;
      }
    }
  }
  return false;
}
