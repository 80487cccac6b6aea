/**
 * A tlog-witness server (c2sp.org/tlog-witness) for the logs of a tlog-policy
 * file's `log <vkey> <url>` lines. POST /add-checkpoint answers with the C2SP
 * status codes (400, 403, 404, 409 + text/x.tlog.size, 422) and, on success, a
 * cosignature/v1 line, after the new state is durable. Requests are handled one
 * at a time, so checking the old size and recording the new one are atomic.
 *
 * With `replay`, it is anxin's rule-replaying witness (SPEC §12): before it
 * cosigns a checkpoint it reads the log's entries up to that size through its
 * tiles and replays every signature, permission and rule; a checkpoint whose
 * entries break one gets 422, and GET /status names the first bad index. Its
 * cosignature then also states "every entry up to this size obeys the anxin
 * rules" (docs/TLOG.md). It also cosigns the log's subject note at that size
 * (SPEC §12): the same cosignature/v1 over the note's text, which the replay has
 * recomputed, so "this subject map is the one of the entries up to this size".
 *
 *   GET /status                      { name, vkey, logs: [{ origin, size, verified, firstBad }] }
 *   GET /<hex SHA-256 of origin>/checkpoint   the latest cosigned checkpoint
 *   GET /<hex SHA-256 of origin>/subjects     the subject note at that size, cosigned (replaying witness only)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  checkAddCheckpoint,
  COSIGNATURE_TYPE,
  formatVkey,
  MAX_PROOF_LINES,
  nodeSuite,
  sha256,
  signCosignature,
  toBase64,
  toBase64Url,
  toHex,
  utf8,
  fromBase64,
  emptyRoot,
  type Policy,
  type SigningKey,
  type Vkey,
} from '../../ledger/index.js';
import { RuleFollower, type Verdict } from './follower.js';
import { loadState, saveState, type WitnessState } from './state.js';

export interface WitnessOptions {
  /** Signs cosignatures; its id is the witness name. */
  key: SigningKey;
  /** Logs to witness: the policy's `log` lines (url = the log's tiles prefix, needed with `replay`). */
  policy: Policy;
  /** Directory of the state file. */
  dataDir: string;
  /** Replay every entry through the log's tiles before cosigning. */
  replay?: boolean;
  now?: () => number;
  fetch?: typeof fetch;
  log?(line: string): void;
}

const MAX_BODY = 64 * 1024;

export interface Witness {
  readonly vkey: Vkey;
  handle(req: IncomingMessage, res: ServerResponse): void;
  status(): unknown;
}

export const createWitness = (o: WitnessOptions): Witness => {
  const name = o.key.id;
  const vkey = formatVkey(nodeSuite, name, COSIGNATURE_TYPE, nodeSuite.publicKey(o.key.seed));
  const now = o.now ?? Date.now;
  let state: WitnessState = loadState(o.dataDir);
  const logs = new Map(o.policy.logs.map((l) => [l.key.name, l]));
  const followers = new Map<string, RuleFollower>();
  const verdicts = new Map<string, Verdict>();
  let queue: Promise<unknown> = Promise.resolve();

  const follower = (origin: string): RuleFollower | undefined => {
    const l = logs.get(origin);
    if (!o.replay || !l?.url) return undefined;
    let f = followers.get(origin);
    if (!f) followers.set(origin, (f = new RuleFollower(l.url, origin, toBase64Url(l.key.publicKey), o.fetch)));
    return f;
  };

  const addCheckpoint = async (body: string): Promise<{ status: number; type: string; text: string }> => {
    const plain = (status: number, text: string) => ({ status, type: 'text/plain; charset=utf-8', text: text + '\n' });
    const out = checkAddCheckpoint(nodeSuite, body, (origin) => {
      const l = logs.get(origin);
      if (!l) return undefined;
      const s = state.logs[origin];
      return { origin, keys: [l.key], size: s?.size ?? 0, root: s ? fromBase64(s.root)! : emptyRoot(nodeSuite) };
    });
    if (out.status === 409) return { status: 409, type: 'text/x.tlog.size', text: `${out.size}\n` };
    if (out.status !== 200) return plain(out.status, out.reason);
    const cp = out.checkpoint;
    const f = follower(cp.origin);
    let subjects: Verdict['subjects'];
    if (f) {
      const verdict = await f.check(cp.size, toBase64(cp.root));
      verdicts.set(cp.origin, verdict);
      if (!verdict.ok) {
        const why = verdict.firstBad
          ? `entry ${verdict.firstBad.index} breaks the anxin rules: ${verdict.firstBad.code} — ${verdict.firstBad.detail}`
          : verdict.subjectsBad
            ? `entry ${verdict.subjectsBad.index}: the subject note disagrees with the replayed subject map — ${verdict.subjectsBad.detail}`
            : verdict.reason!;
        o.log?.(`witness ${name}: refused ${cp.origin} at size ${cp.size}: ${why}`);
        return plain(422, why);
      }
      subjects = verdict.subjects;
    }
    const time = Math.floor(now() / 1000);
    const line = signCosignature(nodeSuite, name, o.key.seed, cp.note.text, time);
    const next: WitnessState = {
      ...state,
      logs: {
        ...state.logs,
        [cp.origin]: {
          size: cp.size,
          root: toBase64(cp.root),
          note: body.slice(body.indexOf('\n\n') + 2) + line + '\n',
          ...(subjects && { subjects: subjects.note + signCosignature(nodeSuite, name, o.key.seed, subjects.text, time) + '\n' }),
        },
      },
    };
    saveState(o.dataDir, next); // durable before the answer
    state = next;
    return { status: 200, type: 'text/plain; charset=utf-8', text: line + '\n' };
  };

  const status = () => ({
    name,
    vkey: vkey.vkey,
    replay: !!o.replay,
    logs: [...logs.keys()].map((origin) => {
      const v = verdicts.get(origin);
      return {
        origin,
        size: state.logs[origin]?.size ?? 0,
        verified: followers.get(origin)?.verified ?? null,
        firstBad: v?.firstBad ? { index: v.firstBad.index, code: v.firstBad.code, detail: v.firstBad.detail } : null,
        ...(v && !v.ok && v.reason ? { problem: v.reason } : {}),
        ...(v && !v.ok && v.subjectsBad ? { problem: `subject note at index ${v.subjectsBad.index}: ${v.subjectsBad.detail}` } : {}),
      };
    }),
  });

  const send = (res: ServerResponse, status: number, type: string, text: string) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'POST' && path === '/add-checkpoint') {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          send(
            res,
            400,
            'text/plain; charset=utf-8',
            `the body is larger than ${MAX_BODY} bytes (at most ${MAX_PROOF_LINES} proof lines)\n`,
          );
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        if (res.headersSent) return;
        const body = Buffer.concat(chunks).toString('utf8');
        // One request at a time: the old-size check and the state update are atomic.
        const job = queue.then(() => addCheckpoint(body));
        queue = job.catch(() => undefined);
        job.then(
          (r) => send(res, r.status, r.type, r.text),
          (e) => {
            o.log?.(`witness ${name}: ${(e as Error).stack ?? e}`);
            send(res, 500, 'text/plain; charset=utf-8', 'internal error; nothing was cosigned\n');
          },
        );
      });
      return;
    }
    if (req.method === 'GET' && path === '/status') return send(res, 200, 'application/json', JSON.stringify(status()));
    const m = /^\/([0-9a-f]{64})\/(checkpoint|subjects)$/.exec(path);
    if (req.method === 'GET' && m) {
      const origin = [...logs.keys()].find((x) => toHex(sha256(utf8(x))) === m[1]);
      const s = origin ? state.logs[origin] : undefined;
      const note = m[2] === 'checkpoint' ? s?.note : s?.subjects;
      if (note) return send(res, 200, 'text/plain; charset=utf-8', note);
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  };

  return { vkey, handle, status };
};

export const startWitnessServer = async (
  o: WitnessOptions,
  host: string,
  port: number,
): Promise<{ server: Server; witness: Witness; url: string }> => {
  const witness = createWitness(o);
  const server = createServer((req, res) => witness.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as { port: number };
  return { server, witness, url: `http://${host}:${addr.port}` };
};
