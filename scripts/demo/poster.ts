/**
 * How the demo story posts: every event is a real signed envelope, appended
 * through the service's API by a sink (the demo: HTTP to the listening server;
 * tests: the same, against app.listen(0)). Events between two moves of the
 * clock go as one atomic, ordered batch (POST /v1/events/batch: a later event
 * may depend on an earlier one), so the story costs a few dozen durable
 * commits, not one per event. The story moves the sink's clock forward between
 * chapters, so weeks of history happen in seconds while every event's `at`
 * stays within the service's skew of its clock.
 */
import {
  cosignEnvelope,
  generateKey,
  nodeSuite,
  parseKeyFile,
  signEnvelope,
  type Envelope,
  type KeyFile,
  type SigningKey,
} from '../../ledger/index.js';

export interface StorySink {
  /** The service's clock (ms). */
  now(): number;
  /** Moves the service's clock forward. */
  advance(ms: number): void;
  /** Appends events atomically and in order; rejects when the service does not accept them. */
  post(events: Envelope[]): Promise<unknown>;
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export class Poster {
  private n = 0;
  private pending: Envelope[] = [];
  /** Every key the story made, by actor id (card holders as card:<id>). */
  readonly keys = new Map<string, KeyFile>();
  private readonly start: number;

  constructor(
    readonly sink: StorySink,
    readonly regulator: SigningKey,
  ) {
    this.start = sink.now();
  }

  /** Posts what is pending, then moves the clock to `day` days and `hour` hours after the story began (never backwards). */
  async at(day: number, hour = 0): Promise<void> {
    await this.flush();
    const target = this.start + day * DAY + hour * HOUR;
    const now = this.sink.now();
    if (target > now) this.sink.advance(target - now);
  }

  /** Events posted so far. */
  get count(): number {
    return this.n;
  }

  iso(offsetMs = 0): string {
    return new Date(this.sink.now() + offsetMs).toISOString();
  }

  /** Signs an event (co-signed by `holder` and `newHolder` when given) for the next batch; returns its event id. */
  post(
    key: SigningKey,
    type: string,
    body: unknown,
    o: { actor?: string; holder?: SigningKey; newHolder?: SigningKey } = {},
  ): { id: string } {
    const id = `demo-${String(++this.n).padStart(6, '0')}`;
    let env = signEnvelope(nodeSuite, key.seed, { v: 1, id, type, actor: o.actor ?? key.id, at: this.iso(), body });
    if (o.holder) env = cosignEnvelope(nodeSuite, o.holder.seed, env, 'holder');
    if (o.newHolder) env = cosignEnvelope(nodeSuite, o.newHolder.seed, env, 'newHolder');
    this.pending.push(env);
    return { id };
  }

  /** Appends the pending events as one batch. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    await this.sink.post(events);
  }

  key(id: string): SigningKey {
    const file = generateKey(id);
    this.keys.set(id, file);
    return parseKeyFile(nodeSuite, JSON.stringify(file));
  }

  /** Registers an actor (signed by the root regulator) and returns its key. */
  register(id: string, role: string, name: string, extra: Record<string, unknown> = {}): SigningKey {
    const key = this.key(id);
    this.post(this.regulator, 'actor.register', { id, role, name, publicKey: key.publicKey, ...extra });
    return key;
  }
}
