/**
 * Serves trace views fast. A view is rebuilt only when its version changes
 * (view.ts): the serialized text around `status` is cached with the checkpoint
 * it was proved against and its proofs, so a hit costs a few state reads and a
 * buffer write — no JSON building, no Merkle reads. Unrelated appends do not
 * invalidate it: the checkpoint in a cached view is older than the newest one,
 * but it is signed and covers every entry of the view, which is all a scanner
 * needs. `status` depends on the clock (expiry) and is spliced in per request.
 *
 * Concurrent misses for the same version share one build. Memory is bounded by
 * a byte budget over the cached texts, least recently used out first.
 */
import type { Checkpoint, Ledger } from '../../ledger/index.js';
import type { LotStatus } from '../../schemas/trace.js';
import { lotStatus, type LotRecord } from './state.js';
import { collectTrace, traceVersion } from './view.js';

interface Cached {
  code: string;
  version: number;
  checkpointSize: number;
  /** `{"code":…,"product":…,"storage":…,"status":` */
  head: string;
  /** `,"quantity":…,"checkpoint":…,"proofs":…}` */
  tail: string;
  bodies: Map<LotStatus, Buffer>;
  /** Text and bodies held, counted against the budget while cached. */
  bytes: number;
}

export interface RenderedView {
  body: Buffer;
  /** Weak: it names the version, checkpoint and status the body was made of. */
  etag: string;
}

export const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024;

export class TraceViewCache {
  private readonly cached = new Map<string, Cached>();
  private readonly building = new Map<string, Promise<Cached>>();
  private bytes = 0;

  constructor(
    private readonly ledger: Pick<Ledger, 'get' | 'entry' | 'checkpoint' | 'proveInclusion'>,
    private readonly now: () => number,
    private readonly budget = DEFAULT_BUDGET_BYTES,
  ) {}

  /** The view of `code` as JSON bytes, or undefined for an unknown lot. */
  async render(code: string): Promise<RenderedView | undefined> {
    // Reads committed state only; the version and (on a miss) the view come from the same synchronous moment.
    const current = traceVersion(this.ledger, code);
    if (!current) return undefined;
    let view = this.cached.get(code);
    if (view?.version === current.version) {
      this.cached.delete(code); // LRU: most recent last
      this.cached.set(code, view);
    } else {
      view = await this.build(current);
    }
    const status = lotStatus(current.lot, this.now());
    let body = view.bodies.get(status);
    if (!body) {
      body = Buffer.from(view.head + JSON.stringify(status) + view.tail);
      view.bodies.set(status, body);
      this.account(view, body.length);
    }
    return { body, etag: `W/"${view.version}.${view.checkpointSize}.${status}"` };
  }

  private build(current: { lot: LotRecord; version: number }): Promise<Cached> {
    const key = `${current.lot.code}@${current.version}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.assemble(current.lot, current.version).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** Collects the view synchronously (same moment as the version), then proves every timeline entry against the latest checkpoint. */
  private async assemble(lot: LotRecord, version: number): Promise<Cached> {
    const parts = collectTrace(this.ledger, lot);
    const checkpoint: Checkpoint = this.ledger.checkpoint;
    const paths = await Promise.all(parts.indexes.map((i) => this.ledger.proveInclusion(i, checkpoint.size)));
    const proofs: Record<string, string[]> = {};
    parts.indexes.forEach((i, k) => (proofs[i] = paths[k]));
    const head = JSON.stringify(parts.head).slice(0, -1) + ',"status":';
    const tail = ',' + JSON.stringify({ ...parts.rest, checkpoint, proofs }).slice(1);
    const view: Cached = { code: lot.code, version, checkpointSize: checkpoint.size, head, tail, bodies: new Map(), bytes: 0 };
    const old = this.cached.get(lot.code);
    if (!old || old.version < version) {
      if (old) this.forget(old);
      this.cached.set(lot.code, view);
      this.account(view, Buffer.byteLength(head) + Buffer.byteLength(tail));
    }
    return view;
  }

  /** Counts `bytes` more for `view`, then evicts least recently used views (never `view`) while over budget. */
  private account(view: Cached, bytes: number): void {
    view.bytes += bytes;
    if (this.cached.get(view.code) !== view) return; // superseded while being rendered: not counted
    this.bytes += bytes;
    for (const v of this.cached.values()) {
      if (this.bytes <= this.budget) break;
      if (v !== view) this.forget(v);
    }
  }

  private forget(view: Cached): void {
    this.cached.delete(view.code);
    this.bytes -= view.bytes;
  }
}
