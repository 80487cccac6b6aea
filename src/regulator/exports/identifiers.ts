/**
 * Identifiers the exports use (docs/EXPORTS.md): lots as GS1 Digital Link URIs
 * when a GTIN is known, else private URNs; actors as location and party URNs;
 * units as UN/ECE Recommendation 20 codes. Every URN is
 * `urn:anxin:epcis:<kind>:<origin>:<id>` with origin and id percent-encoded,
 * so ids from different ledgers never collide and the last `:` splits them.
 */
import { type LotRecord, COUNT_UNITS } from '../../trace/index.js';

export const ANXIN_PREFIX = 'urn:anxin:epcis:';

export type UrnKind = 'lot' | 'loc' | 'party' | 'shipment' | 'entry';

export const anxinUrn = (origin: string, kind: UrnKind, id: string | number): string =>
  `${ANXIN_PREFIX}${kind}:${encodeURIComponent(origin)}:${encodeURIComponent(String(id))}`;

/** GS1 mod-10 check digit over every digit but the last (GS1 General Specifications §7.9). */
export const gtinCheckDigitOk = (gtin: string): boolean => {
  if (!/^\d{8}$|^\d{12,14}$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
};

/** GS1 AI (10) batch/lot: at most 20 characters (anxin codes are all in its character set 82). */
const AI10_MAX = 20;

/**
 * The lot's identifier: the constrained GS1 Digital Link URI of its LGTIN
 * (`https://id.gs1.org/01/{GTIN-14}/10/{lot}`) when its product has a GTIN with a
 * valid check digit and the code fits AI (10); otherwise `urn:anxin:epcis:lot:…`.
 */
export const lotUri = (origin: string, lot: Pick<LotRecord, 'code' | 'product'>): string => {
  const gtin = lot.product.gtin;
  if (gtin && gtinCheckDigitOk(gtin) && lot.code.length <= AI10_MAX)
    return `https://id.gs1.org/01/${gtin.padStart(14, '0')}/10/${encodeURIComponent(lot.code)}`;
  return anxinUrn(origin, 'lot', lot.code);
};

/** UN/ECE Rec 20 codes for mass and volume units. */
const UOM: Record<string, string> = { kg: 'KGM', g: 'GRM', t: 'TNE', L: 'LTR' };

/**
 * An EPCIS quantity element. Counted units (piece, box) are counts of the class
 * and carry no `uom` (EPCIS 2.0 §7.3.3.3: without uom the quantity is a number of
 * instances); mass and volume carry their Rec 20 code.
 */
export const quantityElement = (epcClass: string, amount: number, unit: string): { epcClass: string; quantity: number; uom?: string } =>
  COUNT_UNITS.has(unit) ? { epcClass, quantity: amount } : { epcClass, quantity: amount, uom: UOM[unit] };

/** Zhejiang keeps China Standard Time all year (no daylight saving). */
export const CST_OFFSET = '+08:00';
const CST_MS = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD) of an instant in China Standard Time. */
export const cstDate = (iso: string): string => new Date(Date.parse(iso) + CST_MS).toISOString().slice(0, 10);
