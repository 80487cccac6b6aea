/**
 * Ingest: signed events in, receipts out (SPEC §2, §8). One call is one ledger
 * transaction, so a batch is atomic and ordered — an event may depend on an
 * earlier one in the same batch, and one rejection rejects all.
 */
import {
  canonicalEntry,
  canonicalize,
  fromBase64Url,
  MAX_ENTRY_BYTES,
  nodeSuite,
  SigPoolBusy,
  type Ledger,
  type Receipt,
} from '../ledger/index.js';
import { admitEvent, parseEvent, type ParsedEvent } from './domain/admission.js';
import type { Catalogue } from './domain/catalogue.js';
import { ApiError, isApiError, type BatchItemError } from './errors.js';

export interface IngestResult {
  /** True when at least one event was appended (201); false when all were identical retries (200). */
  created: boolean;
  receipts: Receipt[];
}

/** An item error, tagged with its position in the request. */
class ItemError extends Error {
  constructor(
    readonly i: number,
    readonly error: ApiError,
  ) {
    super(error.detail);
  }
}

/** Verifies a signature off the main thread (ledger SigPool.verify). */
export type AsyncVerify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

/**
 * Signatures of a batch checked ahead at once: the first chunk is small and each
 * good chunk doubles the next, up to the pool's message size; the batch stops at
 * the first chunk with a bad one. Forged events at the head of a batch cost at
 * most FIRST_CHUNK checks; a later forgery costs at most as many as verified before it.
 */
export const FIRST_CHUNK = 16;
const MAX_CHUNK = 256;

/** What checking ahead found: signatures that verified, and the first that did not. */
interface Ahead {
  /** "publicKey signature" pairs that verified, per parsed event. */
  verified: Array<Set<string>>;
  /** The item whose signature failed (it is rejected without a second check). */
  bad?: { i: number; pair: string };
}

/**
 * SPEC §12: an entry bundle stores each entry's length as a uint16, so the
 * canonical entry JCS({index, at, event}) may not exceed 65,535 bytes. Checked
 * exactly (the index's digits count) only when the event is long enough to matter.
 */
const checkEntrySize = (p: ParsedEvent, index: number, at: string): void => {
  const canonical = p.canonical ?? canonicalize(p.event);
  if (canonical.length * 3 + 100 <= MAX_ENTRY_BYTES) return;
  const bytes = Buffer.byteLength(canonicalEntry(index, at, p.event, canonical));
  if (bytes > MAX_ENTRY_BYTES)
    throw new ApiError(
      'payload_too_large',
      `the entry would be ${bytes} bytes of canonical JSON; an entry is at most ${MAX_ENTRY_BYTES} (a tlog-tiles bundle limit): make the event smaller`,
    );
};

export class Ingest {
  /**
   * With `preverify`, each event's signature is checked on worker threads before
   * its transaction, against the signer's key as pending state has it; inside the
   * transaction a check whose key is still the one in force is not repeated.
   */
  constructor(
    private readonly ledger: Ledger,
    private readonly catalogue: Catalogue,
    private readonly maxSkewS: number,
    private readonly preverify: AsyncVerify | undefined,
    /** The ledger's clock (milliseconds), for the early skew check: a different clock would fail it and move every check into the transaction. */
    private readonly clock: () => number,
  ) {}

  /**
   * Checks signatures ahead of the transaction, in order, cheap checks first
   * (docs/API.md "Order of checks"): an event that is a retry or a duplicate needs
   * no signature; one whose clock is off, whose signer is suspended or whose role
   * may not post it will be rejected by the transaction without one, so checking
   * stops there. Signatures go to the pool a chunk at a time (FIRST_CHUNK), and
   * checking stops after the first chunk holding a bad one. A signer unknown now may be registered by
   * an earlier event of the batch: the transaction checks its signature itself.
   */
  private async verifyAhead(parsed: ParsedEvent[]): Promise<Ahead> {
    const ahead: Ahead = { verified: parsed.map(() => new Set()) };
    const verify = this.preverify;
    if (!verify) return ahead;
    const nowMs = this.clock();
    let size = FIRST_CHUNK;
    let chunk: Array<Promise<void>> = [];
    for (let i = 0; i < parsed.length && !ahead.bad; i++) {
      const { event, type, message } = parsed[i];
      if (this.ledger.findEvent(event.actor, event.id) !== undefined) continue;
      const atMs = Date.parse(event.at);
      if (!(Math.abs(atMs - nowMs) <= this.maxSkewS * 1000)) break;
      const signer = this.catalogue.principal(this.ledger.pending, event.actor);
      if (!signer) continue;
      if (signer.status !== 'active') break;
      if (type.roles === 'any' ? signer.role === 'holder' : !type.roles.includes(signer.role)) break;
      const key = fromBase64Url(signer.publicKey);
      const sig = fromBase64Url(event.sig);
      const pair = `${signer.publicKey} ${event.sig}`;
      chunk.push(
        (async () => {
          const ok = !!key && !!sig && (await verify(key, message, sig));
          if (ok) ahead.verified[i].add(pair);
          else if (!ahead.bad || ahead.bad.i > i) ahead.bad = { i, pair };
        })(),
      );
      if (chunk.length === size) {
        await this.settle(chunk);
        chunk = [];
        size = Math.min(size * 2, MAX_CHUNK);
      }
    }
    await this.settle(chunk);
    return ahead;
  }

  /** Waits for a chunk of checks; a full signature backlog is 503 `unavailable` (retry later). */
  private async settle(chunk: Array<Promise<void>>): Promise<void> {
    const results = await Promise.allSettled(chunk);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return;
    if (failed.reason instanceof SigPoolBusy)
      throw new ApiError('unavailable', 'too many signatures are waiting to be checked; nothing was appended, retry later');
    throw failed.reason;
  }

  /** Appends `raws` atomically. A single event's rejection is its own ApiError; a batch's is `batch_rejected`. */
  async submit(raws: readonly unknown[], batch: boolean): Promise<IngestResult> {
    const reject = (errors: BatchItemError[]): never => {
      if (!batch) {
        const [{ code, detail }] = errors;
        throw new ApiError(code, detail);
      }
      throw new ApiError('batch_rejected', `event ${errors[0].i} was rejected (${errors[0].code}); nothing was appended`, { errors });
    };

    const parsed: ParsedEvent[] = [];
    const invalid: BatchItemError[] = [];
    raws.forEach((raw, i) => {
      try {
        parsed.push(parseEvent(this.catalogue, raw));
      } catch (e) {
        if (!isApiError(e)) throw e;
        invalid.push({ i, code: e.code, detail: e.detail });
      }
    });
    if (invalid.length) reject(invalid);

    const { verified, bad } = await this.verifyAhead(parsed);
    let slots: Array<{ index: number; retry: boolean }>;
    let receipts: Receipt[];
    try {
      ({ value: slots, receipts } = await this.ledger.transact((tx) =>
        parsed.map((p, i) => {
          try {
            const existing = tx.findEvent(p.event.actor, p.event.id);
            if (existing !== undefined) {
              if (canonicalize(tx.eventAt(existing)) !== canonicalize(p.event))
                throw new ApiError(
                  'duplicate_id',
                  `${p.event.actor} already posted a different event with id ${p.event.id} (entry ${existing})`,
                );
              return { index: existing, retry: true };
            }
            checkEntrySize(p, tx.nextIndex, tx.at);
            const subjects = admitEvent(this.catalogue, tx, p, {
              index: tx.nextIndex,
              at: tx.at,
              maxSkewS: this.maxSkewS,
              requireSignature: (publicKey, signature, code, detail) => {
                const pair = `${publicKey} ${signature}`;
                if (verified[i].has(pair)) return;
                if (bad?.i === i && bad.pair === pair) throw new ApiError(code, detail);
                const key = fromBase64Url(publicKey);
                const sig = fromBase64Url(signature);
                if (!key || !sig || !nodeSuite.verify(key, p.message, sig)) throw new ApiError(code, detail);
              },
            });
            return { index: tx.append(p.event, p.canonical, subjects), retry: false };
          } catch (e) {
            throw isApiError(e) ? new ItemError(i, e) : e;
          }
        }),
      ));
    } catch (e) {
      if (e instanceof ItemError) return reject([{ i: e.i, code: e.error.code, detail: e.error.detail }]);
      throw e;
    }

    const fresh = new Map(receipts.map((r) => [r.index, r]));
    const out: Receipt[] = [];
    for (const slot of slots) {
      if (!slot.retry) {
        out.push(fresh.get(slot.index)!);
        continue;
      }
      await this.ledger.durable(slot.index);
      out.push(fresh.get(slot.index) ?? this.ledger.receipt(slot.index)!);
    }
    return { created: receipts.length > 0, receipts: out };
  }
}
