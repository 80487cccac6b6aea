/**
 * CSV as RFC 4180 writes it: records end in CRLF; a field holding a comma, a
 * double quote, CR or LF is enclosed in double quotes, its quotes doubled.
 *
 * Text from events (product names, places, actor names) is untrusted and ends
 * up in spreadsheets: a text field starting with = + - @ TAB or CR is prefixed
 * with ' so that no spreadsheet evaluates it as a formula (OWASP "CSV
 * injection"). Numeric columns are written as numbers and never prefixed.
 */
export type Cell = string | number;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export const csvField = (cell: Cell): string => {
  if (typeof cell === 'number') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The header line, then one line per row, each ending in CRLF. */
export const toCsv = (header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string =>
  [header, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join('');
