/**
 * HTML by tagged template: every interpolated value is escaped unless it is
 * already `Html`. Everything that comes from the ledger is user data (product
 * names, actor names, reasons, test names), so the only way to put text into a
 * page is through `html`, which cannot forget to escape. Attribute values must
 * be quoted in the template; escaping covers both quote characters.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Fragment = Html | string | number | boolean | null | undefined | readonly Fragment[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const render = (v: Fragment): string => {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
};

export const html = (strings: TemplateStringsArray, ...values: Fragment[]): Html => {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
};

/** Markup made by this code or a library from non-markup input (an SVG QR code), never ledger text. */
export const trusted = (markup: string): Html => new Html(markup);

/** A path segment for a link: ids are restricted, but encode anyway. */
export const seg = (s: string): string => encodeURIComponent(s);
