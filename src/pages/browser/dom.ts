/**
 * A tiny DOM builder for the browser modules. Text goes in as text nodes and
 * attributes through setAttribute, never through innerHTML, so ledger data
 * (user data) cannot become markup. Event handlers are attached with
 * addEventListener (the pages' CSP forbids inline handlers).
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'rect', 'line', 'path', 'circle', 'g', 'text', 'title']);

const append = (el: Element, child: Child): void => {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) for (const c of child) append(el, c);
  else if (child instanceof Node) el.appendChild(child);
  else el.appendChild(document.createTextNode(String(child)));
};

/** `h('a', { href: '/m/x' }, 'text')`. Attributes whose value is false, null or undefined are left out. */
export const h = (tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement => {
  const el = SVG_TAGS.has(tag) ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el as HTMLElement;
};

/** Replaces an element's children. */
export const fill = (el: Element, ...children: Child[]): void => {
  el.replaceChildren();
  append(el, children);
};

/** The one element matching `selector`; a TypeError names it when the page lacks it. */
export const one = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new TypeError(`the page has no ${selector}`);
  return el;
};

/** The content of <meta name="…">. */
export const meta = (name: string): string => one<HTMLMetaElement>(`meta[name="${name}"]`).content;
