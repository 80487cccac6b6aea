/**
 * GS1 Digital Link (SPEC §15): /01/{gtin}/10/{code} resolves a lot of that
 * trade item — to the trace page for a browser, the trace view for a machine,
 * the linkset for linkType=all — and 404s for anything else; lot.create
 * refuses a GTIN whose check digit is wrong.
 */
import request from 'supertest';
import { digitalLinkAnswer, digitalLinkUri } from '../../src/trace/digital-link.js';
import { gtinCheckDigitOk } from '../../schemas/gtin.js';
import { CROAKER, createBody, output, startChain, type Chain } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

let c: Chain;
beforeEach(async () => {
  c = await startChain();
});
afterEach(() => c.f.close());

const GTIN = CROAKER.gtin; // 06901234567892
const link = (gtin: string, code: string, query = '') => request(c.f.app).get(`/01/${gtin}/10/${code}${query}`);

describe('GET /01/{gtin}/10/{code}', () => {
  beforeEach(async () => {
    await accepted(c.f.post(c.farm, 'lot.create', createBody('DC-001', 500)));
  });

  test('when a browser opens it, then 302 to the lot’s trace page, with the traceability link in a Link header', async () => {
    const res = await link(GTIN, 'DC-001').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect({ status: res.status, location: res.headers.location }).toEqual({ status: 302, location: 'http://anxin.test/trace/DC-001' });
    expect(res.headers.link).toBe('<http://anxin.test/v1/trace/DC-001>; rel="https://gs1.org/voc/traceability"; type="application/json"');
  });

  test('when it is asked, then the one pipeline answers it (X-Request-Id echoed, problem+json for a miss); a path that only begins like it is not the resolver', async () => {
    const hit = await link(GTIN, 'DC-001').set('X-Request-Id', 'dl-test-1');
    expect({ status: hit.status, id: hit.headers['x-request-id'] }).toEqual({ status: 302, id: 'dl-test-1' });
    const miss = await link(GTIN, 'NO-SUCH-LOT').set('X-Request-Id', 'dl-test-2');
    expect({ status: miss.status, code: miss.body.code, id: miss.headers['x-request-id'] }).toEqual({
      status: 404,
      code: 'lot_not_found',
      id: 'dl-test-2',
    });
    const lookalike = await request(c.f.app).get(`/012/${GTIN}/10/DC-001`);
    expect({ status: lookalike.status, code: lookalike.body.code }).toEqual({ status: 404, code: 'not_found' });
  });

  test('when the GTIN is written as a GTIN-13 (no leading zero), then it names the same trade item', async () => {
    const res = await link(GTIN.slice(1), 'DC-001');
    expect(res.status).toBe(302);
  });

  test('when the client accepts JSON, or asks linkType=gs1:traceability, then the trace view, the same as /v1/trace/{code}', async () => {
    const view = await request(c.f.app).get('/v1/trace/DC-001');
    const byAccept = await link(GTIN, 'DC-001').set('Accept', 'application/json');
    const byLinkType = await link(GTIN, 'DC-001', '?linkType=gs1:traceability').set('Accept', 'text/html');
    for (const res of [byAccept, byLinkType]) {
      expect({ status: res.status, type: res.type, code: res.body.code }).toEqual({
        status: 200,
        type: 'application/json',
        code: 'DC-001',
      });
      expect(res.body).toEqual(view.body);
      expect(res.headers.vary).toMatch(/Accept/);
    }
  });

  test('when linkType=all, then the RFC 9264 linkset naming the page and the trace view', async () => {
    const res = await link(GTIN, 'DC-001', '?linkType=all')
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.on('data', (d: Buffer) => (text += d.toString()));
        r.on('end', () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/linkset+json');
    const set = JSON.parse(res.body as unknown as string).linkset[0];
    expect(set.anchor).toBe(`http://anxin.test/01/${GTIN}/10/DC-001`);
    expect(set['https://gs1.org/voc/traceability'][0].href).toBe('http://anxin.test/v1/trace/DC-001');
    expect(set['https://gs1.org/voc/pip'][0].href).toBe('http://anxin.test/trace/DC-001');
  });

  test('when the lot is of another GTIN, has a wrong check digit, or does not exist, then 404 lot_not_found', async () => {
    for (const [gtin, code] of [
      ['06901234567908', 'DC-001'], // a valid GTIN of another item
      ['06901234567893', 'DC-001'], // wrong check digit
      [GTIN, 'DC-404'],
      [GTIN, 'A%2Fentries'],
      ['0690123456789x', 'DC-001'],
    ]) {
      const res = await link(gtin, code).set('Accept', 'application/json');
      expect({ gtin, code, status: res.status, body: res.body.code }).toEqual({ gtin, code, status: 404, body: 'lot_not_found' });
    }
  });

  test('when the lot has no GTIN at all, then 404 lot_not_found', async () => {
    await accepted(c.f.post(c.farm, 'lot.create', createBody('LOOSE-1', 5, { product: { name: '散装黄鱼', category: 'aquatic' } })));
    const res = await link(GTIN, 'LOOSE-1');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'lot_not_found' });
  });
});

describe('GTIN check digits on lot.create and lot.transform', () => {
  test('when a GTIN-8, -12, -13 or -14 has a valid check digit, then it is accepted', async () => {
    for (const [i, gtin] of ['96385074', '036000291452', '6901234567892', '06901234567892'].entries())
      await accepted(c.f.post(c.farm, 'lot.create', createBody(`G-${i}`, 1, { product: { ...CROAKER, gtin } })));
  });

  test('when a GTIN has a wrong check digit or another length, then 400 invalid_event and nothing is appended', async () => {
    for (const gtin of ['06901234567893', '96385075', '123456789', '0690123456789201'])
      await rejected(c.f, c.f.post(c.farm, 'lot.create', createBody('BAD-1', 1, { product: { ...CROAKER, gtin } })), 400, 'invalid_event');
  });

  test('when a transform output names a GTIN with a wrong check digit, then 400 invalid_event', async () => {
    await accepted(c.f.post(c.processor, 'lot.create', createBody('P-1', 10)));
    await rejected(
      c.f,
      c.f.post(c.processor, 'lot.transform', {
        inputs: [{ code: 'P-1', amount: 5 }],
        outputs: [output('P-2', 5, { product: { name: '鱼片', gtin: '06901234567909', category: 'aquatic' } })],
      }),
      400,
      'invalid_event',
    );
  });
});

describe('the Digital Link pieces', () => {
  test('when a lot code needs escaping, then the URI percent-encodes it and pads the GTIN to 14 digits', () => {
    expect(digitalLinkUri('https://x.cn', '6901234567892', 'A B')).toBe('https://x.cn/01/06901234567892/10/A%20B');
  });
  test('when the Accept header prefers HTML or names nothing, then the page; JSON alone, then the view', () => {
    expect([
      digitalLinkAnswer(null, undefined),
      digitalLinkAnswer(null, 'text/html, application/json'),
      digitalLinkAnswer(null, 'application/json'),
      digitalLinkAnswer('gs1:pip', 'application/json'),
      digitalLinkAnswer(null, 'application/linkset+json'),
    ]).toEqual(['page', 'page', 'view', 'page', 'linkset']);
  });
  test('GS1 check digits: the General Specifications’ examples', () => {
    expect([gtinCheckDigitOk('09521234543213'), gtinCheckDigitOk('09521234543214'), gtinCheckDigitOk('4006381333931')]).toEqual([
      true,
      false,
      true,
    ]);
  });
});
