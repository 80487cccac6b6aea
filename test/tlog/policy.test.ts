/**
 * tlog-policy parsing and quorums (c2sp.org/tlog-policy), the add-checkpoint
 * decision on hostile input (c2sp.org/tlog-witness), and tlog-proof parsing
 * (c2sp.org/tlog-proof): the cases an attacker or a careless operator brings.
 */
import {
  checkAddCheckpoint,
  COSIGNATURE_TYPE,
  ED25519_TYPE,
  emptyRoot,
  formatNote,
  formatVkey,
  nodeSuite,
  signNoteLine,
  parseProof,
  parsePolicy,
  parseVkey,
  PolicyError,
  quorumMet,
  toBase64,
  type Vkey,
} from '../../ledger/index.js';
import { newKey } from '../helpers/fixture.js';
import { c2sp } from './vectors.js';

const wk = (name: string): string => formatVkey(nodeSuite, name, COSIGNATURE_TYPE, nodeSuite.publicKey(newKey(name).seed)).vkey;
const LOG = c2sp.vkeys.log.vkey as string;
const samePub = nodeSuite.publicKey(newKey('same').seed);
/** Two vkeys of one public key under two names: duplicates in the sense of tlog-policy. */
const SAME = [
  formatVkey(nodeSuite, 'w.example', COSIGNATURE_TYPE, samePub).vkey,
  formatVkey(nodeSuite, 'v.example', COSIGNATURE_TYPE, samePub).vkey,
];

describe('parsePolicy', () => {
  it('when groups nest with thresholds, then the quorum holds exactly when enough members cosigned', () => {
    const p = parsePolicy(
      nodeSuite,
      [
        `log ${LOG}`,
        `witness X1 ${wk('x1.example')}`,
        `witness X2 ${wk('x2.example')}`,
        `witness X3 ${wk('x3.example')}`,
        'group X 2 X1 X2 X3',
        `witness Y1 ${wk('y1.example')}`,
        'group XY all X Y1',
        '  # a comment',
        '',
        'quorum XY',
      ].join('\n'),
    );
    expect(quorumMet(p.quorum, new Set(['X1', 'X2', 'Y1']))).toBe(true);
    expect(quorumMet(p.quorum, new Set(['X1', 'Y1']))).toBe(false);
    expect(quorumMet(p.quorum, new Set(['X1', 'X2', 'X3']))).toBe(false);
  });

  it.each([
    ['no quorum line', `log ${LOG}\n`, /no quorum line/],
    ['two quorum lines', 'quorum none\nquorum none\n', /exactly one quorum/],
    [
      'a group naming a later witness',
      `group G any W\nwitness W ${wk('w.example')}\nquorum G\n`,
      /W is not a witness or group defined above/,
    ],
    ['a threshold above the members', `witness W ${wk('w.example')}\ngroup G 2 W\nquorum G\n`, /threshold 2/],
    ['a member listed twice', `witness W ${wk('w.example')}\ngroup G any W W\nquorum G\n`, /at most once/],
    [
      'the same key under two names',
      `witness A ${SAME[0]}
witness B ${SAME[1]}
quorum A
`,
      /duplicate key/,
    ],
    ['a witness key of the log type', `witness W ${LOG}\nquorum W\n`, /signature type 0x04/],
    ['a log key of the witness type', `log ${wk('w.example')}\nquorum none\n`, /signature type 0x01/],
    ['a control character', 'quorum none\u0001\n', /control characters/],
    ['an unknown keyword', 'logs x\nquorum none\n', /unknown keyword logs/],
    ['none as a group member', `witness W ${wk('w.example')}\ngroup G any none\nquorum G\n`, /none is not a witness/],
  ])('when the policy has %s, then it is refused naming the line', (_what, text, message) => {
    expect(() => parsePolicy(nodeSuite, text)).toThrow(PolicyError);
    expect(() => parsePolicy(nodeSuite, text)).toThrow(message);
  });
});

describe('checkAddCheckpoint on hostile input', () => {
  const key: Vkey = parseVkey(nodeSuite, LOG)!;
  const note: string = c2sp.anxinLog.checkpoint;
  const logOf = (o: string) => (o === key.name ? { origin: o, keys: [key], size: 0, root: emptyRoot(nodeSuite) } : undefined);

  it.each([
    ['64 proof lines', `old 0\n${`${toBase64(new Uint8Array(32))}\n`.repeat(64)}\n${note}`, 400],
    ['a short hash line', `old 0\nAAAA\n\n${note}`, 400],
    ['an old size with a leading zero', `old 03\n\n${note}`, 400],
    ['an old size above the checkpoint', `old 9\n\n${note}`, 400],
    ['a proof from size 0', `old 0\n${toBase64(new Uint8Array(32))}\n\n${note}`, 422],
    ['no blank line', `old 0\n${note.replace('\n\n', '\n')}`, 400],
    ['a checkpoint signed by nobody it knows', `old 0\n\n${note.replace(/— anxin\.test\/ledger /, '— someone.else ')}`, 403],
  ])('when the request has %s, then it answers %d', (_what, body, status) => {
    expect(checkAddCheckpoint(nodeSuite, body as string, logOf).status).toBe(status);
  });

  it('when a checkpoint of size 0 has another root than the empty tree, then 422', () => {
    const k = newKey('x');
    const vkey = formatVkey(nodeSuite, 'zero.example', ED25519_TYPE, nodeSuite.publicKey(k.seed));
    const text = `zero.example\n0\n${toBase64(new Uint8Array(32))}\n`;
    const body = `old 0\n\n${formatNote(text, [signNoteLine(nodeSuite, 'zero.example', k.seed, text)])}`;
    expect(checkAddCheckpoint(nodeSuite, body, (o) => ({ origin: o, keys: [vkey], size: 0, root: emptyRoot(nodeSuite) })).status).toBe(422);
  });
});

describe('parseProof', () => {
  const cp: string = c2sp.anxinLog.checkpoint;
  it.each([
    ['another header', `c2sp.org/tlog-proof@v2\nindex 0\n\n${cp}`],
    ['no index line', `c2sp.org/tlog-proof@v1\n\n${cp}`],
    ['a negative index', `c2sp.org/tlog-proof@v1\nindex -1\n\n${cp}`],
    ['a hash of 31 bytes', `c2sp.org/tlog-proof@v1\nindex 0\n${toBase64(new Uint8Array(31))}\n\n${cp}`],
    ['bad base64 in extra', `c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n${cp}`],
    ['a checkpoint without signatures', 'c2sp.org/tlog-proof@v1\nindex 0\n\nanxin.test/ledger\n8\nAAAA\n'],
  ])('when the proof has %s, then it does not parse', (_what, text) => {
    expect(parseProof(text)).toBeUndefined();
  });
});
