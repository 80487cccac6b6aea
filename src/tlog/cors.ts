/**
 * CORS (SPEC §12). Every public read answers `Access-Control-Allow-Origin: *`,
 * so verifiers served from another origin can read the log; public reads need
 * no credentials and no custom request headers, so they need no preflight.
 *
 * A holder's card read (GET /v1/cards/{card}) is signed in the page that holds
 * the holder's key (RFC 9421 Signature and Signature-Input headers), so the
 * static verifier's card.html, on another origin, may make it too: it answers
 * the preflight for those two headers and the read with the same `*`. This
 * grants no origin anything: the request carries no cookies or other ambient
 * credentials, only a signature that a page without the key cannot make.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The public reads of SPEC §12 (the merchant view is public for unsigned requests). */
const PUBLIC_READ = /^\/(?:v1\/(?:ledger|checkpoint|proofs\/[^?]*|trace\/[^?]*|actors\/[^?]*|merchants\/[^/?]+)|tlog\/[^?]*)(?:\?.*)?$/;

/** Reads signed in a page on another origin. */
const SIGNED_READ = /^\/v1\/cards\/[^/?]+(?:\?.*)?$/;

export const isPublicRead = (method: string | undefined, url: string | undefined): boolean =>
  (method === 'GET' || method === 'HEAD') && PUBLIC_READ.test(url ?? '');

export const setPublicCors = (res: ServerResponse): void => {
  res.setHeader('access-control-allow-origin', '*');
};

/**
 * Sets the header when `req` is a public or a signed read; call it before any route answers.
 * Answers the preflight of a signed read itself (204) and returns true then.
 */
export const publicCors = (req: IncomingMessage, res: ServerResponse): boolean => {
  const url = req.url ?? '';
  if (req.method === 'OPTIONS' && SIGNED_READ.test(url)) {
    res.writeHead(204, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'signature, signature-input',
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  }
  if (isPublicRead(req.method, url) || ((req.method === 'GET' || req.method === 'HEAD') && SIGNED_READ.test(url))) setPublicCors(res);
  return false;
};
