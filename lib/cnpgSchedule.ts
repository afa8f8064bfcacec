/**
 * CloudNativePG's ScheduledBackup takes a six-field cron (seconds first, robfig/cron) evaluated in
 * the operator's time zone, which is UTC in the chart's image (no TZ set). The spec writes its
 * daily backup as a five-field cron in a local zone (01:00 Asia/Seoul), so the schedule is moved to
 * UTC here. A fixed offset is only right all year for zones without daylight saving time: those
 * zones are rejected by config validation (`zoneHasFixedOffset`).
 * https://cloudnative-pg.io/documentation/current/backup/#scheduled-backups
 */

/** Offset of `timeZone` from UTC in minutes at `at` (positive east of Greenwich), from the ICU data Node ships. */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  const utc = Math.floor(at.getTime() / 60000) * 60000;
  return Math.round((local - utc) / 60000);
}

/** True when the zone keeps one UTC offset all year (checked at both solstices of a reference year). */
export function zoneHasFixedOffset(timeZone: string): boolean {
  return utcOffsetMinutes(timeZone, new Date(Date.UTC(2026, 0, 15))) === utcOffsetMinutes(timeZone, new Date(Date.UTC(2026, 6, 15)));
}

/**
 * `{ minute, hour }` local to `timeZone` as CNPG's six-field daily cron in UTC, e.g. 01:00
 * Asia/Seoul (UTC+9) -> `0 0 16 * * *` (16:00 UTC the day before; a daily schedule has no date).
 */
export function cnpgDailyScheduleUtc(daily: { readonly minute: number; readonly hour: number }, timeZone: string): string {
  const offset = utcOffsetMinutes(timeZone, new Date(Date.UTC(2026, 0, 15)));
  const minutesOfDay = (((daily.hour * 60 + daily.minute - offset) % 1440) + 1440) % 1440;
  return `0 ${minutesOfDay % 60} ${Math.floor(minutesOfDay / 60)} * * *`;
}
