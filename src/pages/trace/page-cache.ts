/**
 * The trace page rendered once per version of the lot's view (trace/view.ts
 * traceVersion), language and status, like the JSON view (trace/view-cache.ts):
 * a QR code scanned by a crowd, or a flood of requests for one code, costs a Map
 * read while the ledger has not grown, and a few state reads after it has. Only
 * lots that exist are cached (codes come from requests); the number of pages
 * kept is bounded, oldest dropped first.
 */
import type { Ledger } from '../../../ledger/index.js';
import { lotStatus, traceVersion, type LotRecord } from '../../trace/index.js';

interface CachedPage {
  version: number;
  /** Ledger size when the version was last confirmed. */
  checkedSize: number;
  lot: LotRecord;
  status: string;
  html: string;
}

export const MAX_CACHED_PAGES = 2000;

export class TracePageCache {
  private readonly pages = new Map<string, CachedPage>();

  constructor(
    private readonly ledger: Pick<Ledger, 'get' | 'size'>,
    private readonly now: () => number,
    private readonly max = MAX_CACHED_PAGES,
  ) {}

  /**
   * The page of `code` under `variant` (language and how it was chosen), rendered by
   * `render` only when no page of the current version and status is cached;
   * undefined for an unknown lot.
   */
  get(code: string, variant: string, render: () => string | undefined): string | undefined {
    const key = `${code}\n${variant}`;
    const size = this.ledger.size;
    const hit = this.pages.get(key);
    if (hit && hit.checkedSize === size && lotStatus(hit.lot, this.now()) === hit.status) return hit.html;
    const current = traceVersion(this.ledger, code);
    if (!current) {
      this.pages.delete(key);
      return undefined;
    }
    const status = lotStatus(current.lot, this.now());
    if (hit && hit.version === current.version && hit.status === status) {
      hit.checkedSize = size;
      hit.lot = current.lot;
      return hit.html;
    }
    const html = render();
    if (html === undefined) return undefined;
    this.pages.delete(key);
    this.pages.set(key, { version: current.version, checkedSize: size, lot: current.lot, status, html });
    if (this.pages.size > this.max) this.pages.delete(this.pages.keys().next().value!);
    return html;
  }

  /** Pages held (for tests and metrics). */
  get size(): number {
    return this.pages.size;
  }
}
