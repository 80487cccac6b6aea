/**
 * Serves trace views fast. A view is rebuilt only when its version changes
 * (view.ts): the serialized text around `status` is cached with the checkpoint
 * it was proved against and its proofs, so a hit does no JSON building and no
 * Merkle reads. Unrelated appends do not invalidate it: the checkpoint in a
 * cached view may be older than the newest one, but it is signed and covers
 * every entry of the view, which is all a scanner needs.
 *
 * Validity is checked cheaply: while the ledger's size is the one at the last
 * check, nothing can have changed, so a hit reads no state at all; after an
 * append, the first request re-reads the lot's and its ancestors' records to
 * compare versions. With witnessing, a view is proved at the newest witnessed
 * checkpoint that covers it (domain/completeness.ts viewPointFor); one built at
 * an operator-signed checkpoint because its newest entry was not yet witnessed
 * is rebuilt once it is. `status` depends on the clock (expiry) and is spliced in
 * per request from status inputs that only an entry can change.
 *
 * Bodies are kept per status, plain and gzip-compressed (for clients that
 * accept it: phones on mobile networks). Concurrent misses for the same version
 * share one build. Memory is bounded by a byte budget; the least recently used
 * views go first.
 */
import { gzipSync } from 'node:zlib';
import type { Ledger, ViewPoint } from '../../ledger/index.js';
import { lotStatus, type LotRecord } from './state.js';
import { collectTrace, traceVersion } from './view.js';
import { completenessOf, viewPointFor } from '../domain/completeness.js';

type StatusInputs = Pick<LotRecord, 'code' | 'recall' | 'inspection' | 'expiresAt'>;

interface Cached {
  code: string;
  version: number;
  checkpointSize: number;
  /** Proved at the checkpoint it will keep (witnessed, or witnessing is off). */
  settled: boolean;
  /** Ledger size when the version was last confirmed. */
  checkedSize: number;
  /** What `status` is computed from (as of checkedSize). */
  lot: StatusInputs;
  /** `{"code":…,"product":…,"storage":…,"status":` */
  head: string;
  /** `,"quantity":…,"checkpoint":…,"proofs":…}` */
  tail: string;
  bodies: Map<string, Buffer>;
  /** Bytes held, counted against the budget while cached. */
  bytes: number;
  lastUsed: number;
}

export interface RenderedView {
  body: Buffer;
  /** True when `body` is gzip-compressed. */
  gzip: boolean;
  /** Weak: names the version, checkpoint (and whether it is the one kept) and status the body was made of (the same for both encodings). */
  etag: string;
}

export const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024;

const statusInputs = (lot: LotRecord): StatusInputs => ({
  code: lot.code,
  recall: lot.recall,
  inspection: lot.inspection,
  expiresAt: lot.expiresAt,
});

export class TraceViewCache {
  private readonly cached = new Map<string, Cached>();
  private readonly building = new Map<string, Promise<Cached>>();
  private bytes = 0;
  private tick = 0;

  constructor(
    private readonly ledger: Pick<Ledger, 'get' | 'entry' | 'proveInclusion' | 'size' | 'viewPoint'>,
    private readonly now: () => number,
    private readonly budget = DEFAULT_BUDGET_BYTES,
    /** Services.witnessed: the newest witnessed checkpoint, with witnessing. */
    private readonly witnessed?: () => ViewPoint | undefined,
  ) {}

  /** Whether a view built at an unwitnessed checkpoint can now be proved at a witnessed one. */
  private unsettled(view: Cached): boolean {
    return !view.settled && (this.witnessed?.()?.checkpoint.size ?? 0) > view.version;
  }

  /** The view of `code` as JSON bytes (gzip-compressed when `gzip`), or undefined for an unknown lot. */
  async render(code: string, gzip = false): Promise<RenderedView | undefined> {
    const view = await this.current(code);
    if (!view) return undefined;
    view.lastUsed = ++this.tick;
    const status = lotStatus(view.lot, this.now());
    const key = gzip ? `${status}+gzip` : status;
    let body = view.bodies.get(key);
    if (!body) {
      const plain = view.bodies.get(status) ?? Buffer.from(view.head + JSON.stringify(status) + view.tail);
      if (!view.bodies.has(status)) this.keep(view, status, plain);
      body = gzip ? gzipSync(plain) : plain;
      if (gzip) this.keep(view, key, body);
    }
    // `w`: at a checkpoint it keeps (witnessed, or no witnessing); `n`: at one a witnessed view will replace, maybe of the same size.
    return { body, gzip, etag: `W/"${view.version}.${view.checkpointSize}${view.settled ? 'w' : 'n'}.${status}"` };
  }

  /** The cached view if still valid, else a fresh one; undefined for an unknown lot. */
  private async current(code: string): Promise<Cached | undefined> {
    const size = this.ledger.size;
    const view = this.cached.get(code);
    if (view && view.checkedSize === size && !this.unsettled(view)) return view;
    // State reads and (on a miss) the collection below happen in one synchronous stretch: one consistent moment.
    const now = traceVersion(this.ledger, code);
    if (!now) return undefined;
    if (view && view.version === now.version && !this.unsettled(view)) {
      view.checkedSize = size;
      view.lot = statusInputs(now.lot);
      return view;
    }
    return this.build(now.lot, now.version, size);
  }

  private build(lot: LotRecord, version: number, size: number): Promise<Cached> {
    const key = `${lot.code}@${version}@${this.witnessed?.()?.checkpoint.size ?? ''}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.assemble(lot, version, size).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** Collects the view synchronously, then proves every timeline entry against its checkpoint. */
  private async assemble(lot: LotRecord, version: number, size: number): Promise<Cached> {
    // State, checkpoint and subject map are read in one synchronous stretch: one size (SPEC §12).
    const parts = collectTrace(this.ledger, lot);
    const point = viewPointFor(this.ledger, this.witnessed, version);
    const checkpoint = point.checkpoint;
    const completeness = completenessOf(point, parts.subjects);
    const paths = await Promise.all(parts.indexes.map((i) => this.ledger.proveInclusion(i, checkpoint.size)));
    const proofs: Record<string, string[]> = {};
    parts.indexes.forEach((i, k) => (proofs[i] = paths[k]));
    const head = JSON.stringify(parts.head).slice(0, -1) + ',"status":';
    const tail = ',' + JSON.stringify({ ...parts.rest, checkpoint, proofs, completeness }).slice(1);
    const view: Cached = {
      code: lot.code,
      version,
      checkpointSize: checkpoint.size,
      settled: point.settled,
      checkedSize: size,
      lot: statusInputs(lot),
      head,
      tail,
      bodies: new Map(),
      bytes: 0,
      lastUsed: ++this.tick,
    };
    const old = this.cached.get(lot.code);
    if (!old || old.version < version || (old.version === version && !old.settled)) {
      if (old) this.forget(old);
      this.cached.set(lot.code, view);
      this.account(view, Buffer.byteLength(head) + Buffer.byteLength(tail));
    }
    return view;
  }

  private keep(view: Cached, key: string, body: Buffer): void {
    view.bodies.set(key, body);
    this.account(view, body.length);
  }

  /**
   * Counts `bytes` more for `view`, then evicts the least recently used views (never `view`)
   * while over budget. Eviction scans, but only runs when something new is cached; hits only
   * bump a counter (no Map reordering, which is slow on large V8 Maps).
   */
  private account(view: Cached, bytes: number): void {
    view.bytes += bytes;
    if (this.cached.get(view.code) !== view) return; // superseded while being rendered: not counted
    this.bytes += bytes;
    while (this.bytes > this.budget) {
      let oldest: Cached | undefined;
      for (const v of this.cached.values()) if (v !== view && (!oldest || v.lastUsed < oldest.lastUsed)) oldest = v;
      if (!oldest) break;
      this.forget(oldest);
    }
  }

  private forget(view: Cached): void {
    this.cached.delete(view.code);
    this.bytes -= view.bytes;
  }
}
