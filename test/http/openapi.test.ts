/**
 * openapi.yaml is generated (scripts/openapi.ts) and checked in: these tests fail
 * when it is stale, when it misses an error code, an event type or a route of the
 * real app, or when it documents a route the app does not have.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { buildOpenApi, eventTypes, OPENAPI_FILE, renderOpenApi, routeDocs } from '../../scripts/openapi.js';
import { ERROR_CODES, ERROR_STATUS } from '../../src/errors.js';
import { PLUGINS, type Plugin } from '../../src/plugins.js';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import type { App } from '../../src/app.js';

type Json = Record<string, any>;

/** Every (METHOD, OpenAPI path) the app routes: the pipeline's routes, and Express's found by walking its router stack. */
const registeredRoutes = (app: App): string[] => {
  interface Layer {
    rawPath?: string | string[];
    route?: { path: string | string[]; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat())
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
            out.push(`${method.toUpperCase()} ${(prefix + path).replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) {
        const mount = [layer.rawPath ?? ''].flat()[0];
        walk(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
      }
    }
  };
  walk((app.web as unknown as { router: { stack: Layer[] } }).router.stack, '');
  for (const r of app.routes) out.push(`${r.method} ${r.path}`);
  return [...new Set(out)].sort();
};

const documentedRoutes = (doc: Json): string[] =>
  Object.entries(doc.paths as Record<string, Json>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

/** Resolves a local JSON pointer (#/a/b) in `doc`. */
const resolve = (doc: Json, pointer: string): unknown =>
  pointer
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => (node == null ? undefined : node[key]), doc);

const refsIn = (node: unknown, out: string[] = []): string[] => {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) k === '$ref' && typeof v === 'string' ? out.push(v) : refsIn(v, out);
  return out;
};

describe('openapi.yaml', () => {
  let f: Fixture;
  let onDisk: string;
  let doc: Json;

  beforeAll(async () => {
    f = await startFixture();
    onDisk = readFileSync(OPENAPI_FILE, 'utf8');
    doc = parseYaml(onDisk);
  });
  afterAll(() => f.close());

  test('when regenerated from the current schemas and plug-ins, then it equals the checked-in file (else run npm run openapi)', () => {
    expect(onDisk).toEqual(renderOpenApi());
  });

  test('it is an OpenAPI 3.1 document whose every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const broken = [...new Set(refsIn(doc))].filter((r) => !r.startsWith('#/') || resolve(doc, r) === undefined);
    expect(broken).toEqual([]);
  });

  test('every operation has a unique operationId and declares exactly the parameters its path names', () => {
    const ids: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>))
      for (const op of Object.values(ops)) {
        ids.push(op.operationId);
        const named = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name);
        expect({ path, declared }).toEqual({ path, declared: named });
      }
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('it lists every error code with its HTTP status, as x-error-codes and as the ErrorCode enum', () => {
    expect(doc['x-error-codes']).toEqual({ ...ERROR_STATUS });
    expect(doc.components.schemas.ErrorCode.enum).toEqual(ERROR_CODES);
    expect(resolve(doc, doc.components.schemas.Problem.properties.code.$ref)).toBe(doc.components.schemas.ErrorCode);
  });

  test('every event type of the catalogue is there with its body schema, in Event and in x-anxin-events', () => {
    const types = eventTypes(PLUGINS);
    expect(types.length).toBeGreaterThan(0);
    const event = doc.components.schemas.Event;
    for (const t of types) {
      const entry = doc['x-anxin-events'][t.type];
      expect({ type: t.type, roles: entry?.roles }).toEqual({ type: t.type, roles: t.roles });
      const body = resolve(doc, entry.body.$ref) as Json;
      expect(body).toBeDefined();
      const typed = resolve(doc, entry.event.$ref) as Json;
      expect(typed.allOf[1].properties).toEqual({ type: { const: t.type }, body: { $ref: entry.body.$ref } });
      expect(event.oneOf).toContainEqual({ $ref: entry.event.$ref });
      expect(event.discriminator.mapping[t.type]).toBe(entry.event.$ref);
    }
    expect(Object.keys(doc['x-anxin-events'])).toEqual(types.map((t) => t.type));
  });

  test('POST /v1/events takes an Event and the batch route takes events of the same catalogue', () => {
    const single = doc.paths['/v1/events'].post.requestBody.content['application/json'].schema;
    expect(single).toEqual({ $ref: '#/components/schemas/Event' });
    const batch = resolve(doc, doc.paths['/v1/events/batch'].post.requestBody.content['application/json'].schema.$ref) as Json;
    expect(batch.properties.events.items).toEqual({ $ref: '#/components/schemas/Event' });
    expect(batch.properties.events.maxItems).toBe(1000);
  });

  test('every route documents problem+json responses holding each code it can answer with', () => {
    for (const r of routeDocs(PLUGINS)) {
      const responses = doc.paths[r.path][r.method].responses;
      for (const code of [...r.errors, 'internal' as const]) {
        const response = responses[ERROR_STATUS[code]];
        const schema = response?.content?.['application/problem+json']?.schema;
        expect({ route: `${r.method} ${r.path}`, code, enum: schema?.allOf?.[1]?.properties?.code?.enum ?? [] }).toEqual({
          route: `${r.method} ${r.path}`,
          code,
          enum: expect.arrayContaining([code]),
        });
        expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
  });

  test('the RFC 9421 scheme is described; signed routes require it and optional routes accept it', () => {
    const scheme = doc.components.securitySchemes.httpSignature;
    expect(scheme).toMatchObject({ type: 'apiKey', in: 'header', name: 'Signature' });
    expect(scheme.description).toContain('"@method" "@path" "@query"');
    for (const r of routeDocs(PLUGINS)) {
      const op = doc.paths[r.path][r.method];
      const expected = r.auth === 'signed' ? [{ httpSignature: [] }] : r.auth === 'optional' ? [{}, { httpSignature: [] }] : [];
      expect({ route: `${r.method} ${r.path}`, security: op.security }).toEqual({ route: `${r.method} ${r.path}`, security: expected });
      const header = (op.parameters ?? [])
        .map((p: Json) => (p.$ref ? resolve(doc, p.$ref) : p) as Json)
        .find((p: Json) => p.in === 'header' && p.name === 'Signature-Input');
      expect({ route: `${r.method} ${r.path}`, required: header?.required }).toEqual({
        route: `${r.method} ${r.path}`,
        required: r.auth === 'signed' ? true : r.auth === 'optional' ? false : undefined,
      });
    }
    expect(doc.paths['/v1/entries'].get.security).toEqual([{ httpSignature: [] }]);
  });

  // The document's scope is the JSON API: everything under /v1 (SPEC §8) and the service's own routes.
  // The HTML pages of SPEC §11 and their static assets are outside it.
  test('every /v1 route of the real app is documented, and every documented route exists in it', () => {
    const registered = registeredRoutes(f.app);
    expect(registered).toContain('GET /v1/entries/{index}');
    const documented = documentedRoutes(doc);
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
    expect(registered.filter((r) => / \/v1\//.test(r) && !documented.includes(r))).toEqual([]);
  });

  test("every pipeline route's auth mode is the one its documentation states", () => {
    const docs = new Map(routeDocs(PLUGINS).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.auth]));
    for (const route of f.app.routes) {
      const documented = docs.get(`${route.method} ${route.path}`);
      const expected = documented === 'signed' ? 'required' : documented === 'optional' ? 'optional' : 'none';
      expect({ route: `${route.method} ${route.path}`, auth: route.auth }).toEqual({
        route: `${route.method} ${route.path}`,
        auth: expected,
      });
    }
  });

  test('the routes the document leaves out are pages, not JSON API: none of them answers application/json', async () => {
    const documented = documentedRoutes(doc);
    for (const route of registeredRoutes(f.app).filter((r) => !documented.includes(r))) {
      const [method, path] = route.split(' ');
      const res = await request(f.app)[method.toLowerCase() as 'get'](path.replace(/\{[^}]+\}/g, '0'));
      expect({ route, type: res.headers['content-type'] ?? '' }).toEqual({ route, type: expect.not.stringMatching(/^application\/json/) });
    }
  });

  test('when each documented route is requested, then the app routes it (no "no route" 404)', async () => {
    for (const r of routeDocs(PLUGINS)) {
      const path = r.path.replace(/\{[^}]+\}/g, '0');
      const res = await request(f.app)[r.method](path);
      expect({ route: `${r.method} ${r.path}`, unrouted: res.status === 404 && /^no route/.test(res.body?.detail ?? '') }).toEqual({
        route: `${r.method} ${r.path}`,
        unrouted: false,
      });
    }
  });

  test('GET /openapi.yaml serves the checked-in file', async () => {
    const res = await request(f.app)
      .get('/openapi.yaml')
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString('utf8')));
        r.on('end', () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.body).toBe(onDisk);
  });

  test('GET /docs/ serves Swagger UI for the document', async () => {
    const page = await request(f.app).get('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    const init = await request(f.app).get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/v1/events/batch');
  });
});

describe('the generator (scripts/openapi.ts)', () => {
  const lineage: z.ZodType<{ code: string; inputs: unknown[] }> = z.lazy(() => z.object({ code: z.string(), inputs: z.array(lineage) }));
  const extra: Plugin = {
    domain: {
      name: 'extra',
      events: [{ type: 'extra.thing', body: z.strictObject({ n: z.number().int() }), roles: ['auditor'], apply: () => undefined }],
    },
    http: {
      docs: [
        {
          method: 'get',
          path: '/v1/extra/{code}',
          tag: 'extra',
          summary: 'A route with an unnamed recursive response',
          auth: 'optional',
          params: z.object({ code: z.string() }),
          responses: { 200: { description: 'ok', schema: z.object({ lineage }) } },
          errors: ['not_found'],
        },
      ],
    },
  };

  test('when a plug-in adds an event type with an unnamed body, then the body becomes a component named after the type', () => {
    const doc = buildOpenApi([...PLUGINS, extra]);
    expect(doc['x-anxin-events']['extra.thing'].body).toEqual({ $ref: '#/components/schemas/ExtraThingBody' });
    expect(doc.components.schemas.ExtraThingBody).toMatchObject({ type: 'object', additionalProperties: false, required: ['n'] });
  });

  test('when a plug-in documents a route, then it appears with its parameters, its auth and its codes', () => {
    const op = buildOpenApi([...PLUGINS, extra]).paths['/v1/extra/{code}'].get;
    expect(op.parameters[0]).toEqual({ name: 'code', in: 'path', required: true, schema: { type: 'string' } });
    expect(op.security).toEqual([{}, { httpSignature: [] }]);
    expect(op.responses[404].content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(['not_found']);
    expect(op.responses[400].content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(['invalid_request']);
  });

  test('when a schema is recursive and unnamed, then it becomes a component whose $refs resolve', () => {
    const doc = buildOpenApi([...PLUGINS, extra]);
    const broken = refsIn(doc).filter((r) => resolve(doc, r) === undefined);
    expect(broken).toEqual([]);
    expect(JSON.stringify(doc.paths['/v1/extra/{code}'])).toContain('#/components/schemas/');
  });

  test('when two plug-ins document the same route, then generation fails naming it', () => {
    expect(() => buildOpenApi([...PLUGINS, extra, { domain: { name: 'again' }, http: { docs: extra.http?.docs } }])).toThrow(
      'GET /v1/extra/{code} is documented twice',
    );
  });
});
