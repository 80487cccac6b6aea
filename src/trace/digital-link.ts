/**
 * GS1 Digital Link (GS1 Digital Link Standard: URI Syntax 1.4, §4; Resolver 1.1)
 * for anxin lots (SPEC §15): `/01/{gtin}/10/{code}` names the lot `code` of the
 * trade item `gtin` — AI (01) GTIN and AI (10) batch/lot. anxin is the resolver
 * of its own lots: the QR code on a pack encodes `<ANXIN_PUBLIC_URL>/01/…/10/…`,
 * which opens the trace page in a phone and answers the trace view to a
 * machine. Pure: the route in routes.ts does the I/O. Decisions in docs/TRACE.md.
 */
import { gtin14, gtinCheckDigitOk } from '../../schemas/gtin.js';

/** The Digital Link URI of a lot with a GTIN, on this resolver: GTIN-14, lot percent-encoded. */
export const digitalLinkUri = (publicUrl: string, gtin: string, code: string): string =>
  `${publicUrl}/01/${gtin14(gtin)}/10/${encodeURIComponent(code)}`;

/** What a resolver request asks for. */
export type DigitalLinkAnswer = 'page' | 'view' | 'linkset';

/** The link type that answers the trace view (GS1 Web Vocabulary). */
export const TRACEABILITY = 'gs1:traceability';

/**
 * The answer for a request's `linkType` and Accept header (GS1 Resolver 1.1
 * §5): `linkType=all` or an Accept of application/linkset+json → the linkset;
 * `linkType=gs1:traceability` or an Accept that prefers JSON → the trace view;
 * anything else (a phone's browser, `gs1:pip`, an unknown link type) → the
 * default link, the trace page.
 */
export const digitalLinkAnswer = (linkType: string | null, accept: string | undefined): DigitalLinkAnswer => {
  if (linkType === 'all') return 'linkset';
  if (linkType === TRACEABILITY || linkType === 'https://gs1.org/voc/traceability') return 'view';
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  if (types.includes('application/linkset+json')) return 'linkset';
  if (!linkType && types.some((t) => t === 'application/json' || t === 'application/ld+json') && !types.includes('text/html'))
    return 'view';
  return 'page';
};

/** The GTIN-14 of a path segment, or undefined when it is not a GTIN with a valid check digit. */
export const parseGtin = (segment: string): string | undefined => (gtinCheckDigitOk(segment) ? gtin14(segment) : undefined);

/**
 * The RFC 9264 linkset of a lot (GS1 Resolver 1.1 §6.5): the anchor is the
 * Digital Link URI; `gs1:pip` and the default link are the trace page,
 * `gs1:traceability` the trace view JSON.
 */
export const digitalLinkLinkset = (publicUrl: string, gtin: string, code: string, title: string) => {
  const c = encodeURIComponent(code);
  const page = { href: `${publicUrl}/trace/${c}`, title, type: 'text/html' };
  const view = { href: `${publicUrl}/v1/trace/${c}`, title, type: 'application/json' };
  return {
    linkset: [
      {
        anchor: digitalLinkUri(publicUrl, gtin, code),
        'https://gs1.org/voc/defaultLink': [page],
        'https://gs1.org/voc/pip': [page],
        'https://gs1.org/voc/traceability': [view],
      },
    ],
  };
};
