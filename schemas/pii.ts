/**
 * Personal data the ledger must never hold (SPEC §1: the log is append-only and
 * public to regulators forever): free-text fields of events reject mainland
 * phone numbers, resident identity card numbers and e-mail addresses, with
 * `invalid_event` naming the field. Patterns are deliberately narrow (an ID
 * number must carry a valid date and check digit) so ordinary text — prices,
 * dates, batch numbers, test values — passes. docs/API.md "Personal data".
 */
import { z } from 'zod';

/** A mainland mobile number (+86 optional), or a landline with its area code: 0571-87654321. */
const PHONE = /(?<![\d.])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![\d.])|(?<![\d.])0\d{2,3}-\d{7,8}(?![\d.])/;
/** 18-character resident ID: region, birth date, sequence, check digit (GB 11643). */
const RESIDENT_ID = /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Whether an 18-character ID number's check digit is right (GB 11643-1999). */
export const residentIdChecks = (id: string): boolean => {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i];
  return CHECK[sum % 11] === id[17].toUpperCase();
};

/** What kind of personal data `text` holds, or undefined. */
export const findPersonalData = (text: string): string | undefined => {
  if (EMAIL.test(text)) return 'an e-mail address';
  for (const m of text.matchAll(RESIDENT_ID)) if (residentIdChecks(m[0])) return 'a resident ID number';
  if (PHONE.test(text)) return 'a phone number';
  return undefined;
};

/** A free-text field: `min`..`max` characters, no personal data. */
export const freeText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .superRefine((text, ctx) => {
      const found = findPersonalData(text);
      if (found) ctx.addIssue({ code: 'custom', message: `holds ${found}; personal data never goes on the ledger (docs/API.md)` });
    });
