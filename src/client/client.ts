/**
 * A small anxin client for Node.js and browsers: builds and signs events, signs
 * RFC 9421 reads, posts, and verifies receipts, inclusion proofs and checkpoints
 * without trusting the server. Pass the Suite: nodeSuite on a server,
 * nobleSuite (ledger/suite-noble.ts) in a browser. Portable: uses fetch only.
 */
import {
  cosignEnvelope,
  entryLeaf,
  fromBase64Url,
  fromHex,
  signEnvelope,
  signRequest,
  toHex,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type Envelope,
  type Receipt,
  type SigningKey,
  type Suite,
  type UnsignedEnvelope,
} from '../../ledger/portable.js';
import { ulid } from './ids.js';

export type { Receipt };

/** An error answer from the service: the problem+json body with its stable code. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ProblemError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  suite: Suite;
  /** Signs events and reads. */
  key?: SigningKey;
  /** The pinned trust anchor; when absent it is fetched once from GET /v1/ledger (trust on first use). */
  anchor?: { origin: string; operatorKey: string };
  fetch?: typeof fetch;
  now?: () => number;
}

export class AnxinClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private anchor: { origin: string; operatorKey: string } | undefined;

  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.anchor = options.anchor;
  }

  private get key(): SigningKey {
    if (!this.options.key) throw new TypeError('this client has no key');
    return this.options.key;
  }

  /** An unsigned envelope by this client's key, with a fresh ULID and the current time unless given. */
  build(type: string, body: unknown, o: { id?: string; at?: string; actor?: string } = {}): UnsignedEnvelope {
    return {
      v: 1,
      id: o.id ?? ulid(this.now()),
      type,
      actor: o.actor ?? this.key.id,
      at: o.at ?? new Date(this.now()).toISOString(),
      body,
    };
  }

  sign(envelope: UnsignedEnvelope, holder?: SigningKey): Envelope {
    const signed = signEnvelope(this.options.suite, this.key.seed, envelope);
    return holder ? cosignEnvelope(this.options.suite, holder.seed, signed, 'holder') : signed;
  }

  private async request(method: 'GET' | 'POST', target: string, body?: unknown, signed = false): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (signed) Object.assign(headers, signRequest(this.options.suite, this.key, { method, target }, Math.floor(this.now() / 1000)));
    const res = await this.fetch(new URL(target, this.options.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (!res.ok) throw new ProblemError(res.status, json?.code ?? 'http_error', json?.detail ?? res.statusText, json);
    return { status: res.status, json };
  }

  /** GET a path (with query), signed with RFC 9421 when `signed`. */
  async get<T = any>(target: string, signed = true): Promise<T> {
    return (await this.request('GET', target, undefined, signed)).json as T;
  }

  /** The C2SP tlog-proof of entry `index` (text), against the newest cosigned checkpoint; signed read. */
  async entryProof(index: number): Promise<string> {
    const { json } = await this.request('GET', `/v1/entries/${index}/proof`, undefined, true);
    if (typeof json !== 'string') throw new TypeError('the proof is not text');
    return json;
  }

  async post(event: Envelope): Promise<Receipt> {
    return (await this.request('POST', '/v1/events', event)).json as Receipt;
  }

  async postBatch(events: Envelope[]): Promise<Receipt[]> {
    return (await this.request('POST', '/v1/events/batch', { events })).json.receipts as Receipt[];
  }

  /** The trust anchor: pinned, or fetched once. */
  async trustAnchor(): Promise<{ origin: string; operatorKey: string }> {
    this.anchor ??= await this.get('/v1/ledger', false);
    return this.anchor!;
  }

  /** Returns why a checkpoint does not verify against the trust anchor, or undefined. */
  async checkCheckpoint(cp: Checkpoint): Promise<string | undefined> {
    const { origin, operatorKey } = await this.trustAnchor();
    return verifyCheckpoint(this.options.suite, cp, origin, fromBase64Url(operatorKey)!);
  }

  /**
   * Checks a receipt for `event` without trusting the server: the leaf is
   * recomputed from (index, at, event), the checkpoint signature is checked,
   * and the inclusion proof fetched for that checkpoint must lead to its root.
   * Returns undefined when all holds, else what does not.
   */
  async verifyReceipt(event: Envelope, receipt: Receipt): Promise<string | undefined> {
    const { suite } = this.options;
    const leaf = entryLeaf(suite, receipt.index, receipt.at, event);
    if (toHex(leaf) !== receipt.leaf) return 'the receipt leaf is not the hash of this event at that index and time';
    if (receipt.checkpoint.size <= receipt.index) return 'the receipt checkpoint does not cover the entry';
    const bad = await this.checkCheckpoint(receipt.checkpoint);
    if (bad) return `checkpoint: ${bad}`;
    const proof = await this.get<{ proof: { size: number; path: string[] } }>(
      `/v1/entries/${receipt.index}?size=${receipt.checkpoint.size}`,
    );
    const path = proof.proof.path.map((h) => fromHex(h)!);
    if (!verifyInclusion(suite, receipt.index, receipt.checkpoint.size, leaf, path, fromHex(receipt.checkpoint.root)!))
      return 'the inclusion proof does not lead to the checkpoint root';
    return undefined;
  }

  /** Checks that `newer` extends `older` (both signed), fetching the consistency proof. */
  async verifyConsistency(older: Checkpoint, newer: Checkpoint): Promise<string | undefined> {
    for (const cp of [older, newer]) {
      const bad = await this.checkCheckpoint(cp);
      if (bad) return `checkpoint ${cp.size}: ${bad}`;
    }
    const { proof } = await this.get<{ proof: string[] }>(`/v1/proofs/consistency?from=${older.size}&to=${newer.size}`, false);
    return verifyConsistency(
      this.options.suite,
      older.size,
      newer.size,
      fromHex(older.root)!,
      fromHex(newer.root)!,
      proof.map((h) => fromHex(h)!),
    )
      ? undefined
      : `checkpoint ${newer.size} is not consistent with checkpoint ${older.size}`;
  }
}
