/**
 * Reading a JSON request body with bounded work (issue: hostile input).
 *
 *   - Only JSON media types (application/json, application/*+json), UTF-8 only
 *     (content-type parses the header); anything else is "no JSON body".
 *   - Content-Encoding gzip or deflate is decoded off the main thread (zlib
 *     streams); every other coding is 400 invalid_json, brotli included: a brotli
 *     decoder fills its whole window (4 MiB by default, up to 16 MiB) before it
 *     yields a byte, so a bomb of a few dozen bytes cost milliseconds of CPU
 *     however early it was cut, and a burst of them delayed everyone
 *     (bench/hostile-child.ts). The size limit counts decoded bytes, and a body
 *     that inflates more than MAX_RATIO times beyond its first RATIO_FREE bytes
 *     is 413 payload_too_large.
 *   - Each chunk passes the streaming JsonGuard (json-guard.ts) as it arrives:
 *     nesting, duplicate keys, lone surrogates, number lengths, and the batch's
 *     element count are refused before JSON.parse runs.
 *   - The complete bytes must be valid UTF-8 (a strict decoder, no U+FFFD
 *     substitution), then JSON.parse; only an object or array at the top.
 *
 * A body that was refused before it was read to its end leaves `req.complete`
 * false; the pipeline then closes the connection after the answer, so the rest
 * is never read.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate, type Gunzip } from 'node:zlib';
import { TextDecoder } from 'node:util';
import contentType from 'content-type';
import { ApiError } from '../errors.js';
import { JsonGuard } from './json-guard.js';
import type { BodySpec } from './route.js';

/** Decoded bytes a compressed body may have before its ratio is checked. */
export const RATIO_FREE = 64 * 1024;
/** Largest decoded/compressed ratio beyond RATIO_FREE (real JSON events compress 3–10 times). */
export const MAX_RATIO = 50;
/** Objects and arrays per event a body may hold (an event has at most ~1,000: a cold-chain reading list). */
export const CONTAINERS_PER_EVENT = 2048;

const DECODERS: Record<string, () => Gunzip> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

const isJsonType = (type: string) => type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));

/** The request's JSON media type check: true for a JSON body, false for none or another type; throws for a non-UTF-8 charset. */
const wantsJson = (req: IncomingMessage): boolean => {
  const header = req.headers['content-type'];
  if (!header) return false;
  let parsed: ReturnType<typeof contentType.parse>;
  try {
    parsed = contentType.parse(header);
  } catch {
    return false;
  }
  if (!isJsonType(parsed.type)) return false;
  const charset = parsed.parameters.charset?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8')
    throw new ApiError('invalid_json', `the body must be UTF-8, not ${charset.slice(0, 40)}`);
  return true;
};

const tooLarge = (limit: number) =>
  new ApiError('payload_too_large', `the body is larger than the limit of ${limit} bytes (decoded); split it into smaller requests`);

/**
 * The parsed JSON body, or undefined when the request has no JSON content type.
 * An empty JSON body reads as {}. Throws ApiError (invalid_json, payload_too_large).
 */
export const readJson = async (req: IncomingMessage, spec: BodySpec): Promise<unknown> => (await readJsonBody(req, spec)).body;

/**
 * readJson, plus the body's bytes as read (after Content-Encoding is undone):
 * what a route that checks a Content-Digest (RFC 9530) hashes.
 */
export const readJsonBody = (req: IncomingMessage, spec: BodySpec): Promise<{ body: unknown; raw?: Uint8Array }> => {
  if (!wantsJson(req)) return Promise.resolve({ body: undefined });
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const makeDecoder = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
  if (coding !== 'identity' && !makeDecoder)
    throw new ApiError('invalid_json', `Content-Encoding ${coding.slice(0, 40)} is not supported (use gzip or deflate)`);
  const length = Number(req.headers['content-length']);
  if (length > spec.limit) throw tooLarge(spec.limit);
  const maxContainers = CONTAINERS_PER_EVENT * (spec.maxItems ?? 1);
  const guard = new JsonGuard(spec.maxItems, maxContainers);

  return new Promise<{ body: unknown; raw?: Uint8Array }>((resolve, reject) => {
    const decoder = makeDecoder?.();
    const source: Readable = decoder ?? req;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const cleanup = () => {
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      source.removeListener('error', onError);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
        req.resume();
      }
    };
    const fail = (e: ApiError) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(e);
    };
    function onData(chunk: Buffer) {
      if (settled) return;
      size += chunk.length;
      if (size > spec.limit) return fail(tooLarge(spec.limit));
      if (decoder && size > RATIO_FREE && size > MAX_RATIO * decoder.bytesWritten)
        return fail(new ApiError('payload_too_large', `the body inflates more than ${MAX_RATIO} times; send it uncompressed or split it`));
      try {
        guard.write(chunk);
      } catch (e) {
        return fail(e as ApiError);
      }
      chunks.push(chunk);
    }
    function onEnd() {
      if (settled) return;
      settled = true;
      cleanup();
      try {
        const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        resolve({ body: parse(raw), raw });
      } catch (e) {
        reject(e);
      }
    }
    function onError() {
      fail(new ApiError('invalid_json', 'the body could not be read; check its Content-Encoding and Content-Length'));
    }
    function onClose() {
      if (!req.complete) fail(new ApiError('invalid_json', 'the connection closed before the body ended'));
    }
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    req.on('close', onClose);
    if (decoder) {
      req.on('error', onError);
      req.pipe(decoder);
    }
  });
};

const parse = (bytes: Buffer): unknown => {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError('invalid_json', 'the body is not valid UTF-8');
  }
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  if (i === text.length) return {};
  if (text[i] !== '{' && text[i] !== '[') throw new ApiError('invalid_json', 'the body is not valid UTF-8 JSON (an object or array)');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'the body is not valid UTF-8 JSON (an object or array)');
  }
};
