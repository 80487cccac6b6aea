/**
 * How the pages write times, money and quantities, the same on the server and in
 * the browser. Times are shown in China Standard Time whatever the viewer's zone
 * (the ledger is Zhejiang's), as `YYYY-MM-DD HH:mm` in both languages.
 */
import { lookup, type Lang, type Messages } from './messages.js';

const CST = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2026-11-28 06:05` (China Standard Time); the input unchanged when it is not a time. */
export const formatTime = (iso: string): string => {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const p = Object.fromEntries(CST.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};

/** `HH:mm` in China Standard Time. */
export const formatClock = (ms: number): string => formatTime(new Date(ms).toISOString()).slice(11);

/** `MM-DD HH:mm` in China Standard Time. */
export const formatShort = (ms: number): string => formatTime(new Date(ms).toISOString()).slice(5);

const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Integer fen as `¥1,234.50`. */
export const formatYuan = (fen: number): string => `¥${YUAN.format(fen / 100)}`;

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

export const formatNumber = (x: number): string => (Number.isFinite(x) ? NUMBER.format(x) : String(x));

const UNITS_ZH: Record<string, string> = { kg: 'kg', g: 'g', t: '吨', L: '升', piece: '件', box: '盒' };
const UNITS_EN: Record<string, string> = { kg: 'kg', g: 'g', t: 't', L: 'L', piece: 'pieces', box: 'boxes' };

/** `220 kg`, `400 盒`. */
export const formatAmount = (amount: number, unit: string, lang: Lang): string => {
  const names = lang === 'en' ? UNITS_EN : UNITS_ZH;
  return `${formatNumber(amount)} ${Object.hasOwn(names, unit) ? names[unit] : unit}`;
};

/** °C with one decimal. */
export const formatC = (c: number): string => (Number.isFinite(c) ? (Math.round(c * 10) / 10).toFixed(1) : String(c));

/** The localized role name, or the role itself. */
export const roleName = (t: Messages, role: string): string => lookup(t, `role_${role}`, role);

/** Rule ids use dashes (`custody-short`); message keys use underscores. */
export const ruleName = (t: Messages, rule: string): string => lookup(t, `rule_${rule.replace(/-/g, '_')}`, rule);
