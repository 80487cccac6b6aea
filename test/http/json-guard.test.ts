/**
 * The streaming JSON guard (src/http/json-guard.ts) must give the same verdict
 * however the body is cut into chunks: keys, escapes, \u sequences and numbers
 * that straddle a chunk boundary are read as if whole.
 */
import { JsonGuard } from '../../src/http/json-guard.js';
import { ApiError } from '../../src/errors.js';

/** The guard's verdict on `text` fed as the given chunks: 'ok' or the code and the start of the detail. */
const verdict = (chunks: Buffer[], maxItems?: number): string => {
  const guard = new JsonGuard(maxItems, 10_000);
  try {
    for (const c of chunks) guard.write(c);
    return 'ok';
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return `${e.code}: ${e.detail.slice(0, 30)}`;
  }
};

const cases: Array<[string, string, string, number]> = [
  ['a plain event', '{"v":1,"id":"evt-0001","body":{"name":"冷链 🐟","n":-12.5e3,"list":[1,2,{"a":true}]}}', 'ok', Infinity],
  ['a repeated key', '{"actor":"a","body":{},"actor":"b"}', 'invalid_json', Infinity],
  ['a repeated key written with an escape', '{"actor":"a","\\u0061ctor":"b"}', 'invalid_json', Infinity],
  ['an escaped quote inside a key, then the same key', '{"a\\"b":1,"a\\"b":2}', 'invalid_json', Infinity],
  ['a lone high surrogate', '{"n":"x\\ud83d"}', 'invalid_json', Infinity],
  ['a surrogate pair', '{"n":"x\\ud83d\\udc1f"}', 'ok', Infinity],
  ['a 65-character number', `{"n":${'1'.repeat(65)}}`, 'invalid_json', Infinity],
  ['a 64-character number', `{"n":${'1'.repeat(64)}}`, 'ok', Infinity],
  ['nesting 32 deep', '['.repeat(32) + ']'.repeat(32), 'ok', Infinity],
  ['nesting 33 deep', '['.repeat(33) + ']'.repeat(33), 'invalid_json', Infinity],
  ['4 events where 3 are allowed', '{"events":[{"a":[1,2,3,4]},{},{},{}]}', 'payload_too_large', 3],
  ['3 events where 3 are allowed (inner arrays are not counted)', '{"events":[{"a":[1,2,3,4]},{},{}]}', 'ok', 3],
  ['a top-level array of 4 where 3 are allowed', '[1,2,3,4]', 'payload_too_large', 3],
];

describe('JsonGuard', () => {
  test.each(cases)('when the body is %s (%s), then its verdict is %s, whole and split at every byte', (_what, text, expected, maxItems) => {
    const bytes = Buffer.from(text);
    const whole = verdict([bytes], maxItems);
    expect(whole.split(':')[0]).toBe(expected);
    for (let cut = 1; cut < bytes.length; cut++)
      expect({ cut, verdict: verdict([bytes.subarray(0, cut), bytes.subarray(cut)], maxItems) }).toEqual({ cut, verdict: whole });
    const single = Array.from(bytes, (b) => Buffer.from([b]));
    expect(verdict(single, maxItems)).toBe(whole);
  });
});
