/**
 * Follows an anxin log through its tiles (SPEC §12) and replays every entry as
 * §9 does — every hash, signature, permission and rule — with the project's
 * verifier (LogVerifier + the domain replay hook), incrementally: each call
 * verifies only the entries past what it already verified. The entries are the
 * bundle bytes themselves, so the replayed tree must reach the checkpoint's
 * root, or the log served something other than what it signed.
 */
import {
  concatBytes,
  decodeBundle,
  LogVerifier,
  MAX_ENTRY_BYTES,
  SigPool,
  makeEntry,
  toBase64,
  fromBase64Url,
  fromHex,
  verifySubjectNote,
  formatSubjectText,
  TILE_WIDTH,
  ZERO_HASH,
  formatTilePath,
  type Entry,
  type VerifyError,
} from '../../ledger/index.js';
import { nodeSuite } from '../../ledger/index.js';
import { Catalogue } from '../domain/catalogue.js';
import { domainReplay } from '../domain/replay.js';
import { DOMAINS } from '../plugins.js';

export interface Verdict {
  ok: boolean;
  /** Entries verified so far. */
  verified: number;
  /** The first bad entry, once one is found (the log stays broken from there on). */
  firstBad?: VerifyError;
  /** The operator's subject note at this size is missing, unsigned or disagrees with the replayed map (SPEC §12). */
  subjectsBad?: { index: number; detail: string };
  /** Why the log cannot be checked at this size (tiles missing, root mismatch), when not a rule. */
  reason?: string;
  /** When ok: the operator's subject note at this size, which signs the replayed subject map. */
  subjects?: { note: string; text: string };
}

/**
 * A response body, refused (and the transfer cancelled) once it is longer than `limit` bytes:
 * a log's server, honest or not, cannot make the witness hold more than a bundle can be.
 */
const readAtMost = async (res: Response, limit: number, path: string): Promise<Uint8Array> => {
  const tooLong = () => new Error(`${path} is longer than a bundle of its width can be (${limit} bytes)`);
  if (Number(res.headers.get('content-length')) > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLong();
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = res.body?.getReader();
  for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
    length += next.value.length;
    if (length > limit) {
      await reader!.cancel().catch(() => undefined);
      throw tooLong();
    }
    chunks.push(next.value);
  }
  return concatBytes(...chunks);
};

/** Entry bundles requested ahead of the replay. */
const PREFETCH = 4;

export class RuleFollower {
  private readonly verifier: LogVerifier;
  private head: Uint8Array = ZERO_HASH;
  private readonly roots = new Map<number, string>();
  /** Subject map roots (base64) replayed at each size checked. */
  private readonly subjectRoots = new Map<number, string>();
  private readonly operatorKey: Uint8Array;
  private firstBad: VerifyError | undefined;

  constructor(
    /** The tiles prefix, e.g. https://anxin.example/tlog */
    private readonly url: string,
    origin: string,
    operatorKey: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
    maxSkewS = 600,
    private readonly origin_ = origin,
  ) {
    this.operatorKey = fromBase64Url(operatorKey) ?? new Uint8Array(0);
    this.verifier = new LogVerifier({
      origin,
      operatorKey,
      hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS }),
      // One signature thread, kept between checkpoints (the main thread replays on the other core).
      pool: new SigPool(1),
      maxErrors: 1,
    });
  }

  get verified(): number {
    return this.verifier.size;
  }

  private async bundle(index: number, width: number): Promise<Uint8Array[]> {
    const path = formatTilePath({ level: 'entries', index, width });
    const res = await this.fetchImpl(`${this.url.replace(/\/$/, '')}/${path}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    const entries = decodeBundle(await readAtMost(res, width * (2 + MAX_ENTRY_BYTES), path));
    if (!entries || entries.length !== width) throw new Error(`${path} is not a bundle of ${width} entries`);
    return entries;
  }

  /**
   * Entries [from, to) as the verifier takes them, rebuilt from bundle bytes (leaf, prev and hash
   * recomputed). Up to PREFETCH bundles are requested ahead, so the replay does not wait on
   * the log's server for each one in turn.
   */
  private async *entries(from: number, to: number): AsyncGenerator<unknown> {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const first = Math.floor(from / TILE_WIDTH);
    const end = Math.ceil(to / TILE_WIDTH);
    const ahead: Array<Promise<Uint8Array[]>> = [];
    const request = (n: number) => {
      if (n >= end) return;
      const p = this.bundle(n, Math.min(TILE_WIDTH, to - n * TILE_WIDTH));
      p.catch(() => undefined); // awaited in turn below, or dropped when the replay stops early
      ahead.push(p);
    };
    for (let n = first; n < first + PREFETCH; n++) request(n);
    for (let n = first; n < end; n++) {
      const bundle = await ahead.shift()!;
      const width = bundle.length; // bundle() checked it is the width requested
      request(n + PREFETCH);
      for (let i = Math.max(from, n * TILE_WIDTH); i < n * TILE_WIDTH + width; i++) {
        let parsed: { index?: unknown; at?: unknown; event?: unknown };
        try {
          parsed = JSON.parse(decoder.decode(bundle[i - n * TILE_WIDTH]));
        } catch {
          yield { malformed: true };
          continue;
        }
        let entry: Entry | { malformed: true };
        try {
          entry = makeEntry(nodeSuite, i, parsed.at as string, parsed.event as Entry['event'], this.head);
          if (parsed.index !== i) entry = { malformed: true };
        } catch {
          entry = { malformed: true };
        }
        if ('hash' in entry) this.head = fromHex(entry.hash)!;
        yield entry;
      }
    }
  }

  /** Replays up to `size` and checks the tree it rebuilt against `root` (base64). */
  async check(size: number, root: string): Promise<Verdict> {
    if (this.firstBad && this.firstBad.index < size) return { ok: false, verified: this.verified, firstBad: this.firstBad };
    if (size > this.verified) {
      let report;
      try {
        report = await this.verifier.run({ entries: this.entries(this.verified, size) }, { final: false });
      } catch (e) {
        return { ok: false, verified: this.verified, reason: `cannot read the log's tiles: ${(e as Error).message}` };
      }
      if (report.size !== size)
        return { ok: false, verified: this.verified, reason: `the log's bundles end at ${report.size}, not ${size}` };
      this.roots.set(size, toBase64(fromHex(report.root)!));
      this.subjectRoots.set(size, toBase64(this.verifier.subjectRoot));
      if (this.roots.size > 1024) this.roots.delete(this.roots.keys().next().value!);
      if (this.subjectRoots.size > 1024) this.subjectRoots.delete(this.subjectRoots.keys().next().value!);
      if (report.errors.length) this.firstBad = report.errors[0];
    }
    if (this.firstBad && this.firstBad.index < size) return { ok: false, verified: this.verified, firstBad: this.firstBad };
    const replayed = this.roots.get(size);
    if (replayed === undefined) return { ok: false, verified: this.verified, reason: `no replayed root at size ${size}` };
    if (replayed !== root)
      return {
        ok: false,
        verified: this.verified,
        reason: `the entries served under the tiles do not hash to the checkpoint root at ${size}`,
      };
    const subjects = await this.checkSubjects(size);
    if (typeof subjects === 'string') return { ok: false, verified: this.verified, subjectsBad: { index: size - 1, detail: subjects } };
    return { ok: true, verified: this.verified, subjects };
  }

  /**
   * SPEC §12: the operator's subject note at `size` (GET <url>/subjects/<size>) must be signed by
   * the operator and sign the subject map the replay recomputed. Returns the note and its
   * text, or why not.
   */
  private async checkSubjects(size: number): Promise<{ note: string; text: string } | string> {
    let note: string;
    try {
      const res = await this.fetchImpl(`${this.url.replace(/\/$/, '')}/subjects/${size}`);
      if (res.status !== 200) return `the log serves no subject note at size ${size} (${res.status})`;
      note = await res.text();
    } catch (e) {
      return `cannot read the subject note at size ${size}: ${(e as Error).message}`;
    }
    const checked = verifySubjectNote(nodeSuite, note, this.origin_, size, this.operatorKey);
    if ('reason' in checked) return checked.reason;
    if (toBase64(checked.root) !== this.subjectRoots.get(size))
      return `the subject note at size ${size} does not sign the subject map of the entries up to it`;
    return { note, text: formatSubjectText(this.origin_, size, checked.root) };
  }
}
