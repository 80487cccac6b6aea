/**
 * CORS for public reads (SPEC §12): every public read answers
 * `Access-Control-Allow-Origin: *`, so verifiers served from another origin can
 * read the log. Only simple GETs are meant: nothing public needs credentials or
 * custom request headers, so there is no preflight to answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The public reads of SPEC §12 (the merchant view is public for unsigned requests). */
const PUBLIC_READ = /^\/(?:v1\/(?:ledger|checkpoint|proofs\/[^?]*|trace\/[^?]*|actors\/[^?]*|merchants\/[^/?]+)|tlog\/[^?]*)(?:\?.*)?$/;

export const isPublicRead = (method: string | undefined, url: string | undefined): boolean =>
  (method === 'GET' || method === 'HEAD') && PUBLIC_READ.test(url ?? '');

export const setPublicCors = (res: ServerResponse): void => {
  res.setHeader('access-control-allow-origin', '*');
};

/** Sets the header when `req` is a public read; call it before any route answers. */
export const publicCors = (req: IncomingMessage, res: ServerResponse): void => {
  if (isPublicRead(req.method, req.url)) setPublicCors(res);
};
