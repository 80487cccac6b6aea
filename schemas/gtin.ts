/**
 * GS1 Global Trade Item Numbers (GS1 General Specifications §3.3.2, §7.9).
 * anxin accepts GTIN-8, GTIN-12, GTIN-13 and GTIN-14 — every length AI (01)
 * carries — with a valid mod-10 check digit, and compares them as GTIN-14
 * (left-padded with zeros), the form GS1 Digital Link URIs use.
 */

/** Digits of a GTIN-8, -12, -13 or -14. */
export const GTIN_PATTERN = /^(\d{8}|\d{12,14})$/;

/** The GS1 mod-10 check digit of `body` (the digits before it): weights 3, 1, 3, … from the right. */
export const gtinCheckDigit = (body: string): number => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
};

/** Whether `gtin` is a GTIN-8/12/13/14 whose last digit is its check digit. */
export const gtinCheckDigitOk = (gtin: string): boolean =>
  GTIN_PATTERN.test(gtin) && gtinCheckDigit(gtin.slice(0, -1)) === Number(gtin[gtin.length - 1]);

/** The GTIN-14 form (left-padded with zeros); the check digit is unchanged by padding. */
export const gtin14 = (gtin: string): string => gtin.padStart(14, '0');
