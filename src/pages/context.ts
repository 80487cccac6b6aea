/**
 * Per-request page context: the language (SPEC §11: zh-CN by default, English
 * with ?lang=en or Accept-Language: en; the query parameter wins) and links that
 * keep a language chosen by query parameter.
 */
import type { Request } from 'express';
import { messages, type Lang, type Messages } from './browser/messages.js';

export interface PageContext {
  lang: Lang;
  t: Messages;
  /** Whether the language came from ?lang= (then links carry it on). */
  explicit: boolean;
  /** A link to a page of this site, keeping an explicitly chosen language. */
  link(path: string): string;
  /** This page in `lang`, keeping its other query parameters. */
  switchTo(lang: Lang): string;
}

/** `en`, `zh`, `zh-CN` (any case) from the query; undefined for anything else. */
export const langFromQuery = (value: unknown): Lang | undefined => {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v.startsWith('zh-')) return 'zh-CN';
  return undefined;
};

export const chooseLang = (req: Pick<Request, 'query' | 'acceptsLanguages'>): { lang: Lang; explicit: boolean } => {
  const q = langFromQuery(req.query.lang);
  if (q) return { lang: q, explicit: true };
  return { lang: req.acceptsLanguages('zh-CN', 'zh', 'en') === 'en' ? 'en' : 'zh-CN', explicit: false };
};

export const pageContext = (req: Request): PageContext => {
  const { lang, explicit } = chooseLang(req);
  const withLang = (path: string, l: Lang) => `${path}${path.includes('?') ? '&' : '?'}lang=${l}`;
  return {
    lang,
    t: messages(lang),
    explicit,
    link: (path) => (explicit ? withLang(path, lang) : path),
    switchTo: (l) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query)) if (k !== 'lang' && typeof v === 'string') params.set(k, v);
      params.set('lang', l);
      return `${req.path}?${params}`;
    },
  };
};
