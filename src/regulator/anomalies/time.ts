/**
 * Time for the anomaly rules. Durations are exact milliseconds on server entry
 * times. Calendar rules (closed-season, the daily sales buckets of sales-spike)
 * use China Standard Time, UTC+8 all year (no daylight saving since 1991): the
 * regulators' business day.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const CST_OFFSET_MS = 8 * HOUR;

/** The CST calendar day of an instant, as a day number (days since 1970-01-01 CST). */
export const cstDay = (ms: number): number => Math.floor((ms + CST_OFFSET_MS) / DAY);

/** The instant CST day `day` begins (00:00 +08:00). */
export const cstDayStart = (day: number): number => day * DAY - CST_OFFSET_MS;

/** The CST calendar date of an instant: { year, month 1–12, day 1–31, text YYYY-MM-DD }. */
export const cstDate = (ms: number): { year: number; month: number; day: number; text: string } => {
  const d = new Date(ms + CST_OFFSET_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return { year, month, day, text: d.toISOString().slice(0, 10) };
};
