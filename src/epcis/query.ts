/**
 * EPCIS 2.0 query (SPEC §15; the REST binding's `GET /events` with the
 * SimpleEventQuery parameters anxin supports): `EQ_bizStep`, `MATCH_anyEPC`
 * (and its class-level twin `MATCH_anyEPCClass`: anxin lots are LGTIN classes),
 * `GE_eventTime`, `LT_eventTime`, paged by `perPage` and an opaque,
 * HMAC-checked `nextPageToken`. Events are those of the export mapping
 * (regulator/exports/epcis.ts), each with `anxin:ledgerIndex` and `anxin:leaf`,
 * in ledger order. Candidates come from the indexes kept at append time
 * (event-index.ts, the lots' entry lists); the time bounds cut them by binary
 * search on the entries' record time, which bounds the signed event time
 * within the skew limit. One page examines at most MAX_SCAN candidates; when it
 * stops early it still answers a next-page token. Decisions: docs/EXPORTS.md.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Entry, StateView } from '../../ledger/index.js';
import { ApiError } from '../errors.js';
import { EPCIS_CONTEXT, epcisEventMapper } from '../regulator/index.js';
import { getLot, lotEntries } from '../trace/index.js';
import { arrayList, lowerBound, pagedList, type IndexList } from './event-index.js';

export interface QuerySource extends Pick<StateView, 'get'> {
  readonly size: number;
  readonly origin: string;
  entry(index: number): Entry | undefined;
}

export interface EventQuery {
  bizSteps?: string[];
  /** Lot codes (from MATCH_anyEPC / MATCH_anyEPCClass identifiers). */
  lots?: string[];
  /** The identifiers as given, to match the events' quantity lists. */
  epcs?: string[];
  geMs?: number;
  ltMs?: number;
  perPage: number;
  /** Position in the candidate list to start at (from a token). */
  from?: number;
}

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;
/** Candidates one page may examine. */
export const MAX_SCAN = 20_000;

const CBV_BIZSTEP = /^(?:https:\/\/ref\.gs1\.org\/cbv\/BizStep-|urn:epcglobal:cbv:bizstep:)?([a-z_]+)$/;

/** `shipping`, `https://ref.gs1.org/cbv/BizStep-shipping` or `urn:epcglobal:cbv:bizstep:shipping` → `shipping`. */
export const bizStepName = (value: string): string | undefined => CBV_BIZSTEP.exec(value)?.[1];

/**
 * The lot code an EPC (class) identifier names on this ledger: a GS1 Digital
 * Link LGTIN (id.gs1.org or any host) or `urn:anxin:epcis:lot:<origin>:<code>`.
 */
export const lotCodeOf = (origin: string, epc: string): string | undefined => {
  const dl = /^https?:\/\/[^/]+\/01\/(\d{14})\/10\/([^/?#]+)$/.exec(epc);
  if (dl) {
    try {
      return decodeURIComponent(dl[2]);
    } catch {
      return undefined;
    }
  }
  const prefix = `urn:anxin:epcis:lot:${encodeURIComponent(origin)}:`;
  if (epc.startsWith(prefix)) {
    try {
      return decodeURIComponent(epc.slice(prefix.length));
    } catch {
      return undefined;
    }
  }
  return undefined;
};

/** Signs page tokens; a fresh secret per process (tokens do not outlive a restart: 400, ask again). */
export class PageTokens {
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

  private mac(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 22);
  }

  /** A token for position `pos` of the query whose canonical form is `query`. */
  encode(query: string, pos: number): string {
    const body = Buffer.from(JSON.stringify([pos, this.mac(query)])).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The position a token names for `query`, or invalid_request. */
  decode(query: string, token: string): number {
    const [body, mac] = token.split('.');
    const ok = body && mac && mac.length === 22 && timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(body).padEnd(22)));
    if (!ok) throw new ApiError('invalid_request', 'nextPageToken is not one this server issued (or the server restarted): start again');
    const [pos, q] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [number, string];
    if (q !== this.mac(query) || !Number.isSafeInteger(pos) || pos < 0)
      throw new ApiError('invalid_request', 'nextPageToken belongs to another query: keep the other parameters as they were');
    return pos;
  }
}

const candidates = (src: QuerySource, q: EventQuery): IndexList => {
  if (q.lots) {
    const set = new Set<number>();
    for (const code of q.lots) {
      const lot = getLot(src, code);
      if (!lot) continue;
      for (const i of lotEntries(src, lot)) set.add(i);
      // A recall reaches every lot made from the recalled one: its event lists them all.
      if (lot.recall) set.add(lot.recall.index);
    }
    return arrayList([...set].sort((a, b) => a - b));
  }
  if (q.bizSteps?.length === 1) return pagedList(src, `epcis/step/${q.bizSteps[0]}`);
  return pagedList(src, 'epcis/all');
};

const epcsOf = (event: Record<string, unknown>): string[] =>
  ['quantityList', 'inputQuantityList', 'outputQuantityList'].flatMap((k) =>
    ((event[k] as Array<{ epcClass: string }> | undefined) ?? []).map((q) => q.epcClass),
  );

export interface EventPage {
  events: Record<string, unknown>[];
  /** The position to continue from, or undefined when the list is done. */
  next?: number;
}

/** One page of events matching `q`, from state and entries in one synchronous stretch. */
export const queryEvents = (src: QuerySource, q: EventQuery, skewMs: number): EventPage => {
  const list = candidates(src, q);
  const map = epcisEventMapper(src, src.origin);
  const entryAt = (index: number) => Date.parse(src.entry(index)?.at ?? '');
  let pos = q.from ?? (q.geMs !== undefined ? lowerBound(list, (i) => entryAt(i) >= q.geMs! - skewMs) : 0);
  const events: Record<string, unknown>[] = [];
  let scanned = 0;
  for (; pos < list.length && events.length < q.perPage && scanned < MAX_SCAN; pos++, scanned++) {
    const index = list.at(pos);
    if (index >= src.size) return { events };
    const entry = src.entry(index);
    if (!entry) continue;
    if (q.ltMs !== undefined && Date.parse(entry.at) >= q.ltMs + skewMs) return { events };
    const event = map(entry);
    if (!event) continue;
    const t = Date.parse(entry.event.at);
    if (q.geMs !== undefined && t < q.geMs) continue;
    if (q.ltMs !== undefined && t >= q.ltMs) continue;
    if (q.bizSteps && !q.bizSteps.includes(event.bizStep as string)) continue;
    if (q.epcs && !epcsOf(event).some((e) => q.epcs!.includes(e))) continue;
    events.push(event);
  }
  return { events, ...(pos < list.length && { next: pos }) };
};

/** The EPCISQueryDocument of a page (EPCIS 2.0 §12: queryResults of a SimpleEventQuery). */
export const queryDocument = (events: Record<string, unknown>[], nowMs: number, origin: string) => ({
  '@context': EPCIS_CONTEXT,
  type: 'EPCISQueryDocument',
  schemaVersion: '2.0',
  creationDate: new Date(nowMs).toISOString(),
  'anxin:origin': origin,
  epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: events } } },
});
