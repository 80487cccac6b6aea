/**
 * C2SP transparency-log policies (c2sp.org/tlog-policy): which logs, which
 * witnesses, and the quorum of witnesses whose cosignatures make a checkpoint
 * valid. `parsePolicy` reads the file; `verifyCheckpointNote` applies it to a
 * signed checkpoint. Portable: pass the Suite.
 */
import { verifyCosignature } from './cosignature.js';
import { COSIGNATURE_TYPE, ED25519_TYPE, parseNote, parseVkey, publicKeyHex, verifyNoteSignature, type Note, type Vkey } from './note.js';
import type { Suite } from './suite.js';

export interface PolicyLog {
  key: Vkey;
  url?: string;
}

export interface PolicyWitness {
  name: string;
  key: Vkey;
  url?: string;
}

/** A quorum rule: a witness, or a group of k of its members. */
export type Quorum = { kind: 'none' } | { kind: 'witness'; name: string } | { kind: 'group'; name: string; k: number; members: Quorum[] };

export interface Policy {
  logs: PolicyLog[];
  witnesses: PolicyWitness[];
  quorum: Quorum;
}

export class PolicyError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`policy line ${line}: ${message}`);
    this.name = 'PolicyError';
  }
}

const MAX_ITEMS = 256;

/** Parses a policy file; throws PolicyError naming the first bad line. */
export const parsePolicy = (suite: Suite, text: string): Policy => {
  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const names = new Map<string, Quorum>([['none', { kind: 'none' }]]);
  const keys = new Set<string>();
  let quorum: Quorum | undefined;
  const lines = text.split('\n');
  if (lines.length > 4 * MAX_ITEMS) throw new PolicyError(MAX_ITEMS, 'the policy is too long');
  lines.forEach((raw, i) => {
    const n = i + 1;
    // eslint-disable-next-line no-control-regex -- tlog-policy lines may not contain control characters
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(raw.replace(/\r$/, ''))) throw new PolicyError(n, 'control characters other than tab');
    const words = raw
      .replace(/\r$/, '')
      .trim()
      .split(/[ \t]+/)
      .filter(Boolean);
    if (words.length === 0 || words[0].startsWith('#')) return;
    const [kw, ...args] = words;
    const vkey = (text: string, type: number, what: string): Vkey => {
      const key = parseVkey(suite, text);
      if (!key) throw new PolicyError(n, `${text} is not a well-formed Ed25519 vkey`);
      if (key.type !== type) throw new PolicyError(n, `a ${what} key must be of signature type 0x0${type}`);
      // Duplicates (tlog-policy): two vkeys wrapping the same public key, whatever their names.
      if (keys.has(publicKeyHex(key))) throw new PolicyError(n, `duplicate key ${text}`);
      keys.add(publicKeyHex(key));
      return key;
    };
    switch (kw) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw new PolicyError(n, 'log <vkey> [<url>]');
        logs.push({ key: vkey(args[0], ED25519_TYPE, 'log'), ...(args[1] ? { url: args[1] } : {}) });
        break;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw new PolicyError(n, 'witness <name> <vkey> [<url>]');
        if (names.has(args[0])) throw new PolicyError(n, `${args[0]} is already defined`);
        witnesses.push({ name: args[0], key: vkey(args[1], COSIGNATURE_TYPE, 'witness'), ...(args[2] ? { url: args[2] } : {}) });
        names.set(args[0], { kind: 'witness', name: args[0] });
        break;
      }
      case 'group': {
        if (args.length < 3) throw new PolicyError(n, 'group <name> all|any|<k> <name>...');
        const [name, threshold, ...memberNames] = args;
        if (names.has(name)) throw new PolicyError(n, `${name} is already defined`);
        if (new Set(memberNames).size !== memberNames.length) throw new PolicyError(n, 'a group lists each member at most once');
        const members = memberNames.map((m) => {
          const q = names.get(m);
          if (!q || q.kind === 'none') throw new PolicyError(n, `${m} is not a witness or group defined above`);
          return q;
        });
        const k =
          threshold === 'all' ? members.length : threshold === 'any' ? 1 : /^[1-9][0-9]*$/.test(threshold) ? Number(threshold) : NaN;
        if (!(k >= 1 && k <= members.length)) throw new PolicyError(n, `threshold ${threshold} is not all, any or 1..${members.length}`);
        names.set(name, { kind: 'group', name, k, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) throw new PolicyError(n, 'quorum <name>');
        if (quorum) throw new PolicyError(n, 'a policy has exactly one quorum line');
        const q = names.get(args[0]);
        if (!q) throw new PolicyError(n, `${args[0]} is not defined above`);
        quorum = q;
        break;
      }
      default:
        throw new PolicyError(n, `unknown keyword ${kw}`);
    }
    if (logs.length + witnesses.length + names.size > MAX_ITEMS) throw new PolicyError(n, 'too many logs, witnesses and groups');
  });
  if (!quorum) throw new PolicyError(lines.length, 'the policy has no quorum line');
  return { logs, witnesses, quorum };
};

/** Is the quorum met when the witnesses named in `cosigned` have cosigned? */
export const quorumMet = (quorum: Quorum, cosigned: ReadonlySet<string>): boolean => {
  switch (quorum.kind) {
    case 'none':
      return true;
    case 'witness':
      return cosigned.has(quorum.name);
    case 'group':
      return quorum.members.filter((m) => quorumMet(m, cosigned)).length >= quorum.k;
  }
};

export interface VerifiedNote {
  note: Note;
  /** The log whose signature verified. */
  log: PolicyLog;
  /** Witness name → cosignature time (POSIX seconds), for every valid cosignature of a policy witness. */
  cosigned: Map<string, number>;
}

/**
 * Checks a signed checkpoint against a policy: signed by one of its logs (whose
 * key name must be the origin line), every signature line of a known key
 * verifying, and the quorum met. Returns what verified, or why not.
 */
export const verifyCheckpointNote = (suite: Suite, policy: Policy, text: string): VerifiedNote | string => {
  const note = parseNote(text);
  if (!note) return 'not a well-formed signed note';
  const origin = note.text.slice(0, note.text.indexOf('\n'));
  let log: PolicyLog | undefined;
  const cosigned = new Map<string, number>();
  for (const sig of note.signatures) {
    const l = policy.logs.find((x) => x.key.name === sig.name && x.key.keyId === sig.keyId);
    if (l) {
      if (!verifyNoteSignature(suite, note.text, sig, l.key)) return `the signature of log ${l.key.name} does not verify`;
      if (l.key.name !== origin) return `the checkpoint's origin ${origin} is not the name of log key ${l.key.name}`;
      log = l;
      continue;
    }
    const w = policy.witnesses.find((x) => x.key.name === sig.name && x.key.keyId === sig.keyId);
    if (w) {
      const c = verifyCosignature(suite, note.text, sig, w.key);
      if (!c) return `the cosignature of witness ${w.name} does not verify`;
      cosigned.set(w.name, c.time);
    }
  }
  if (!log) return 'no signature by a log of the policy';
  if (!quorumMet(policy.quorum, new Set(cosigned.keys())))
    return `the witness quorum is not met (cosigned by ${[...cosigned.keys()].join(', ') || 'none'})`;
  return { note, log, cosigned };
};
