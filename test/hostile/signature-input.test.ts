/**
 * Signature-Input and Signature are parsed in one linear pass (RFC 8941
 * dictionaries) with a length cap checked first: a hostile header costs at most
 * one scan of 2048 characters and answers 401 `unauthenticated`.
 */
import { MAX_SIGNATURE_HEADER, parseDictionary, parseSignatureHeaders } from '../../ledger/message-signatures.js';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import { expectProblem, unchanged } from './support.js';

const SIG = `sig1=:${'A'.repeat(86)}==:`;
const INPUT = 'sig1=("@method" "@path" "@query");created=1764000000;keyid="regulator";alg="ed25519"';

describe('parsing Signature-Input', () => {
  test('when the header is the profile, then created, keyid and the signed parameters come back', () => {
    const parsed = parseSignatureHeaders(INPUT, SIG);
    expect(parsed).toMatchObject({ keyid: 'regulator', created: 1764000000, params: INPUT.slice(5) });
  });

  test('when a member is a long run of spaces, then the parser answers with a reason (no regular expression to backtrack)', () => {
    const hostile = `sig1=a${' '.repeat(1500)}x`;
    expect(parseSignatureHeaders(hostile, SIG)).toBe('sig1 must cover exactly ("@method" "@path" "@query")');
  });

  test('when either header is longer than the cap, then it is refused before it is parsed', () => {
    const long = `sig1=a${' '.repeat(15_500)}x`;
    expect(parseSignatureHeaders(long, SIG)).toMatch(`at most ${MAX_SIGNATURE_HEADER} characters`);
    expect(parseSignatureHeaders(INPUT, SIG + ' '.repeat(MAX_SIGNATURE_HEADER))).toMatch('at most');
  });

  test.each([
    [
      'a quote inside a member',
      'sig1=("@method" "@path" "@query");keyid="a,b";created=1;alg="ed25519"',
      { sig1: '("@method" "@path" "@query");keyid="a,b";created=1;alg="ed25519"' },
    ],
    ['two members', 'a=1, sig1=(x)', { a: '1', sig1: '(x)' }],
    ['a duplicate key (the last wins, RFC 8941 §4.2.2)', 'sig1=1, sig1=2', { sig1: '2' }],
  ])('when the dictionary holds %s, then its members are split correctly', (_n, header, members) => {
    expect(Object.fromEntries(parseDictionary(header)!)).toEqual(members);
  });

  test.each([
    ['unbalanced parentheses', 'sig1=(("x")'],
    ['an open string', 'sig1="abc'],
    ['an upper-case key', 'Sig1=1'],
    ['a missing =', 'sig1'],
  ])('when the dictionary has %s, then it is not a dictionary', (_n, header) => {
    expect(parseDictionary(header)).toBeUndefined();
  });

  test('when created has more than 15 digits or keyid holds a backslash, then the profile is refused', () => {
    expect(parseSignatureHeaders(INPUT.replace('1764000000', '1'.repeat(16)), SIG)).toMatch('cover exactly');
    expect(parseSignatureHeaders(INPUT.replace('"regulator"', '"reg\\\\x"'), SIG)).toMatch('cover exactly');
  });
});

describe('a hostile Signature-Input on an authenticated read', () => {
  let f: Fixture;
  beforeAll(async () => (f = await startFixture()));
  afterAll(() => f.close());

  test.each([
    ['1,500 spaces', `sig1=a${' '.repeat(1500)}x`],
    ['nested parentheses', `sig1=${'('.repeat(1000)}`],
  ])('when Signature-Input holds %s, then 401 unauthenticated and the ledger is unchanged', async (_n, header) => {
    const res = await unchanged(f, () => f.get('/v1/entries?limit=1').set('Signature-Input', header).set('Signature', SIG));
    expectProblem(res, 401, 'unauthenticated');
  });
});

test('when Signature-Input holds 15,500 spaces, then the header cap of the pipeline answers 400 invalid_request before any parsing', async () => {
  const f = await startFixture();
  try {
    const res = await unchanged(f, () =>
      f
        .get('/v1/entries?limit=1')
        .set('Signature-Input', `sig1=a${' '.repeat(15_500)}x`)
        .set('Signature', SIG),
    );
    expectProblem(res, 400, 'invalid_request');
  } finally {
    await f.close();
  }
});
