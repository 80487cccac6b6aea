/**
 * The client's RFC 9421 request signatures reproduce test/vectors/anxin-v1.json
 * `requests` byte for byte — signature base and both headers, with node:crypto
 * and with @noble/* — and the server's verifier accepts exactly those requests.
 */
import type { RequestListener } from 'node:http';
import { pino } from 'pino';
import request from 'supertest';
import { fromBase64Url, type Suite, signatureBase, signatureParams, signRequest } from '../../ledger/portable.js';
import { nodeSuite } from '../../ledger/suite-node.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { AnxinClient } from '../../src/client/client.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import type { DomainPlugin, Principal } from '../../src/domain/plugin.js';
import { authenticator } from '../../src/http/auth.js';
import { createPipeline } from '../../src/http/pipeline.js';
import { json } from '../../src/http/route.js';
import { vectors } from '../helpers/vectors.js';

const keyOf = (name: string, id: string) => {
  const k = vectors.keys[name];
  return { id, publicKey: k.publicKey, seed: fromBase64Url(k.seed)! };
};

const suites: Array<[string, Suite]> = [
  ['nodeSuite', nodeSuite],
  ['nobleSuite', nobleSuite],
];
const cases = vectors.requests.flatMap((v) => suites.map(([name, suite]) => [`${v.method} ${v.target}`, name, suite, v] as const));

describe('RFC 9421 request signatures against the vectors', () => {
  test('the vectors hold requests to sign', () => {
    expect(vectors.requests.length).toBeGreaterThan(0);
  });

  test.each(cases)("%s with %s: the signature base is the vector's, byte for byte", (_r, _s, _suite, v) => {
    expect(signatureBase({ method: v.method, target: v.target }, signatureParams(v.created, v.keyid))).toBe(v.signatureBase);
  });

  test.each(cases)("%s with %s: Signature-Input and Signature are the vector's, byte for byte", (_r, _s, suite, v) => {
    expect(signRequest(suite, keyOf(v.key, v.keyid), { method: v.method, target: v.target }, v.created)).toEqual(v.headers);
  });

  test.each(cases)("%s with %s: the client sends exactly the vector's headers", async (_r, _s, suite, v) => {
    const sent: Array<{ url: string; headers: Record<string, string> }> = [];
    const capture = (async (url: URL, init: RequestInit) => {
      sent.push({ url: url.toString(), headers: init.headers as Record<string, string> });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const client = new AnxinClient({
      baseUrl: 'http://anxin.test',
      suite,
      key: keyOf(v.key, v.keyid),
      fetch: capture,
      now: () => v.created * 1000,
    });
    await client.get(v.target);
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(`http://anxin.test${v.target}`);
    expect({ 'Signature-Input': sent[0].headers['Signature-Input'], Signature: sent[0].headers.Signature }).toEqual(v.headers);
  });
});

describe("the server's verifier (http/auth.ts) on the vector requests", () => {
  /** Principals for the vector keys, as the actor registry and the card plug-in would resolve them. */
  const vectorPrincipals: DomainPlugin = {
    name: 'vector-principals',
    principals: (_state, actor): Principal | undefined => {
      const v = vectors.requests.find((r) => r.keyid === actor);
      if (!v) return undefined;
      return {
        id: actor,
        role: actor.startsWith('card:') ? 'holder' : 'regulator',
        status: 'active',
        publicKey: vectors.keys[v.key].publicKey,
      };
    },
  };
  /** The real pipeline and authenticator, with one route that echoes who was authenticated. */
  const appAt = (nowMs: number): RequestListener => {
    const services = { ledger: { get: () => undefined } as never, now: () => nowMs };
    const api = createPipeline({
      routes: [{ method: 'GET', path: '/v1/*', auth: 'required', handle: (req) => json({ principal: req.principal?.id }) }],
      authenticate: authenticator(services, new Catalogue([vectorPrincipals])),
      logger: pino({ level: 'silent' }),
    });
    return (req, res) => {
      if (!api(req, res)) res.writeHead(404).end();
    };
  };
  const send = (app: RequestListener, v: (typeof vectors.requests)[number], headers = v.headers) =>
    request(app).get(v.target).set('Signature-Input', headers['Signature-Input']).set('Signature', headers.Signature);

  test.each(vectors.requests.map((v) => [`${v.method} ${v.target}`, v] as const))(
    'when %s is sent with the vector headers at the vector time, then it is authenticated as its keyid',
    async (_r, v) => {
      const res = await send(appAt(v.created * 1000), v);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ principal: v.keyid });
    },
  );

  test.each(vectors.requests.map((v) => [`${v.method} ${v.target}`, v] as const))(
    'when %s arrives 301 s after it was created, then 401 unauthenticated',
    async (_r, v) => {
      const res = await send(appAt((v.created + 301) * 1000), v);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    },
  );

  test.each(vectors.requests.map((v) => [`${v.method} ${v.target}`, v] as const))(
    'when %s has one signature character changed, then 401 unauthenticated',
    async (_r, v) => {
      const sig = v.headers.Signature;
      const flipped = sig.slice(0, 6) + (sig[6] === 'A' ? 'B' : 'A') + sig.slice(7);
      const res = await send(appAt(v.created * 1000), v, { ...v.headers, Signature: flipped });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    },
  );
});
