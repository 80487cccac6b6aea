/**
 * A streaming pre-check of JSON bytes, run on each chunk as a body arrives and
 * before JSON.parse sees any of it. It bounds what the parse (and everything
 * after it) may cost, and refuses what JSON.parse would silently accept:
 *
 *   - nesting deeper than MAX_DEPTH                       400 invalid_json
 *   - a key repeated in one object (JSON.parse keeps the last one, so what was
 *     signed and what is read could differ)                400 invalid_json
 *   - an escaped lone surrogate (\ud800 not followed by a low surrogate, or a
 *     lone \udc00): not Unicode text                       400 invalid_json
 *   - a number token longer than MAX_NUMBER chars           400 invalid_json
 *   - more than `maxItems` elements in the top-level array or in an array member
 *     of the top-level object (a batch's `events`), counted as they stream in,
 *     or more than `maxContainers` objects and arrays   413 payload_too_large
 *
 * It is not a validator: on malformed JSON it may pass anything (JSON.parse
 * then rejects it) but it never throws anything other than ApiError. Bytes are
 * read as bytes; malformed UTF-8 is refused after the body is complete, by the
 * strict decoder in http/body.ts.
 */
import { ApiError } from '../errors.js';

export const MAX_DEPTH = 32;
export const MAX_NUMBER = 64;
/** Keys longer than this are refused (no schema has such a key). */
export const MAX_KEY = 256;

const OBJ = 0;
const ARR = 1;

const enum S {
  /** Outside any string. */
  Out,
  /** In a string (key or value). */
  Str,
  /** Just after a backslash in a string. */
  Esc,
  /** Reading the 4 hex digits of a \u escape. */
  Hex,
}

const invalid = (detail: string) => new ApiError('invalid_json', detail);
const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

export class JsonGuard {
  private state = S.Out;
  private depth = 0;
  private readonly kinds = new Uint8Array(MAX_DEPTH + 1);
  private readonly keys: Array<Set<string> | undefined> = [];
  /** In an object, the next string is a key. */
  private expectKey = false;
  private inKey = false;
  private key = '';
  private hex = 0;
  private hexDigits = 0;
  /** The previous code unit was an escaped high surrogate: the next must be an escaped low one. */
  private highPending = false;
  private numberRun = 0;
  /** At depth 2 under the top-level object, in an array: waiting for an element to start. */
  private awaitingItem = false;
  private items = 0;
  private containers = 0;

  /**
   * `maxItems`: elements allowed in the top-level array or in an array member of the top-level object;
   * `maxContainers`: objects and arrays allowed in the whole body (what JSON.parse allocates).
   */
  constructor(
    private readonly maxItems = Infinity,
    private readonly maxContainers = Infinity,
  ) {}

  /** Checks the next chunk; throws ApiError on the first violation. */
  write(chunk: Uint8Array): void {
    let keyStart = this.inKey ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.state) {
        case S.Str:
          if (b === 0x22) {
            if (this.highPending) throw invalid('the body holds a lone surrogate (\\ud800–\\udbff not followed by \\udc00–\\udfff)');
            this.state = S.Out;
            if (this.inKey) {
              this.endKey(chunk, keyStart, i);
              keyStart = -1;
            }
          } else if (b === 0x5c) this.state = S.Esc;
          else if (this.highPending) throw invalid('the body holds a lone surrogate (\\ud800–\\udbff not followed by \\udc00–\\udfff)');
          break;
        case S.Esc:
          if (b === 0x75) {
            this.state = S.Hex;
            this.hex = 0;
            this.hexDigits = 0;
          } else {
            if (this.highPending) throw invalid('the body holds a lone surrogate (\\ud800–\\udbff not followed by \\udc00–\\udfff)');
            this.state = S.Str;
          }
          break;
        case S.Hex:
          if (!isHex(b)) {
            this.state = S.Str; // malformed escape: JSON.parse refuses it
            break;
          }
          this.hex = this.hex * 16 + parseInt(String.fromCharCode(b), 16);
          if (++this.hexDigits === 4) {
            this.state = S.Str;
            const low = this.hex >= 0xdc00 && this.hex <= 0xdfff;
            const high = this.hex >= 0xd800 && this.hex <= 0xdbff;
            if (this.highPending !== low)
              throw invalid('the body holds a lone surrogate (\\ud800–\\udbff not followed by \\udc00–\\udfff)');
            this.highPending = high;
          }
          break;
        default:
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            this.numberRun = 0;
            continue;
          }
          if (this.awaitingItem && b !== 0x5d) {
            this.awaitingItem = false;
            if (++this.items > this.maxItems)
              throw new ApiError('payload_too_large', `a batch holds at most ${this.maxItems} events; this one has more`);
          }
          if ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x65 || b === 0x45) {
            if (++this.numberRun > MAX_NUMBER) throw invalid(`the body holds a number longer than ${MAX_NUMBER} characters`);
            continue;
          }
          this.numberRun = 0;
          if (b === 0x22) {
            this.state = S.Str;
            if (this.expectKey) {
              this.inKey = true;
              this.expectKey = false;
              this.key = '';
              keyStart = i + 1;
            }
          } else if (b === 0x7b || b === 0x5b) this.open(b === 0x7b ? OBJ : ARR);
          else if (b === 0x7d || b === 0x5d) this.close();
          else if (b === 0x2c) {
            if (this.depth > 0 && this.kinds[this.depth] === OBJ) this.expectKey = true;
            else if (this.depth === 1 || (this.depth === 2 && this.kinds[1] === OBJ)) this.awaitingItem = true;
          }
      }
    }
    if (this.inKey && keyStart >= 0) this.appendKey(chunk, keyStart, chunk.length);
  }

  private open(kind: number): void {
    if (this.depth === MAX_DEPTH) throw invalid(`the body is nested deeper than ${MAX_DEPTH} levels`);
    if (++this.containers > this.maxContainers)
      throw new ApiError(
        'payload_too_large',
        `the body holds more than ${this.maxContainers} objects and arrays; split it into smaller requests`,
      );
    this.depth++;
    this.kinds[this.depth] = kind;
    this.keys[this.depth] = undefined;
    this.expectKey = kind === OBJ;
    this.awaitingItem = kind === ARR && (this.depth === 1 || (this.depth === 2 && this.kinds[1] === OBJ));
  }

  private close(): void {
    if (this.depth === 0) return;
    this.keys[this.depth] = undefined;
    this.depth--;
    this.expectKey = false;
    this.awaitingItem = false;
  }

  private appendKey(chunk: Uint8Array, from: number, to: number): void {
    if (this.key.length + (to - from) > MAX_KEY) throw invalid(`the body holds a key longer than ${MAX_KEY} bytes`);
    this.key += Buffer.from(chunk.buffer, chunk.byteOffset + from, to - from).toString('latin1');
  }

  private endKey(chunk: Uint8Array, from: number, to: number): void {
    this.appendKey(chunk, Math.max(from, 0), to);
    this.inKey = false;
    // Keys are compared as raw bytes; one written with escapes is compared as the text it stands for.
    let key = this.key;
    if (key.includes('\\')) {
      try {
        key = JSON.parse(`"${Buffer.from(key, 'latin1').toString('utf8')}"`) as string;
      } catch {
        return; // a malformed key: JSON.parse refuses the body
      }
      key = Buffer.from(key, 'utf8').toString('latin1');
    }
    const seen = (this.keys[this.depth] ??= new Set());
    if (seen.has(key))
      throw invalid(`the body repeats the key "${Buffer.from(key, 'latin1').toString('utf8').slice(0, 40)}" in one object`);
    seen.add(key);
  }
}
