#!/usr/bin/env node
/**
 * Generates openapi.yaml (OpenAPI 3.1) from the route descriptions — the core
 * routes (schemas/core-routes.ts) and every plug-in's `docs` — and from the event
 * catalogue, with zod 4's own JSON Schema conversion. `npm run openapi` writes it
 * at the project root; test/http/openapi.test.ts fails when the checked-in file
 * differs from what this generates.
 *
 * How the document is laid out:
 *   - every zod schema named with `.meta({ id })` is a `components/schemas` entry,
 *     referenced with `$ref`; unnamed route schemas are inlined;
 *   - every event type's body is a component (its own id, or `<Type>Body`), and
 *     `Event.<type>` is the envelope with `type` fixed and that body; `Event` is
 *     the oneOf over all of them (discriminator `type`), and the root extension
 *     `x-anxin-events` maps type → { event, body, roles };
 *   - RFC 9421 request signatures are the security scheme `httpSignature`:
 *     `signed` routes require it, `optional` routes accept it;
 *   - each operation lists its problem+json responses by status with the codes
 *     it can answer with (an enum on `code`), plus 500 `internal`; the full code →
 *     status table is the root `x-error-codes` and the `ErrorCode` enum.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { z } from 'zod';
import { coreDocs } from '../schemas/core-routes.js';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../schemas/errors.js';
import type { RouteDoc } from '../schemas/routes.js';
import type { EventType } from '../src/domain/plugin.js';
import { PLUGINS, type Plugin } from '../src/plugins.js';

type Json = Record<string, any>;

const COMPONENTS = '#/components/schemas/';
const ref = (id: string): Json => ({ $ref: COMPONENTS + id });
const SIGNATURE_SCHEME = 'httpSignature';

/** The project root: where package.json is, from scripts/ (ts) or dist/scripts/ (compiled). */
export const PROJECT_ROOT = [new URL('../', import.meta.url), new URL('../../', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(`${dir}package.json`))!;
export const OPENAPI_FILE = `${PROJECT_ROOT}openapi.yaml`;

/** Every documented route: the core's, then each plug-in's, in registration order. */
export const routeDocs = (plugins: readonly Plugin[] = PLUGINS): RouteDoc[] => [...coreDocs, ...plugins.flatMap((p) => p.http?.docs ?? [])];

/** Every event type of the catalogue, in registration order. */
export const eventTypes = (plugins: readonly Plugin[] = PLUGINS): EventType[] => plugins.flatMap((p) => p.domain.events ?? []);

/** `/v1/entries/{index}` + get → getV1EntriesIndex. */
export const operationId = (method: string, path: string): string =>
  method +
  path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** `card.issue` → CardIssueBody. */
const bodyName = (type: string): string =>
  type
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('') + 'Body';

/**
 * The zod schemas the document uses, converted in one pass so that every named
 * schema is emitted once and referenced everywhere else. Schemas with an id in
 * zod's global registry keep it; event bodies without one get `<Type>Body`;
 * other unnamed schemas get a temporary id and are inlined where they are used.
 */
class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly temporary = new Set<string>();
  private converted: Record<string, Json> | undefined;

  constructor() {
    for (const [id, schema] of z.globalRegistry._idmap) this.registry.add(schema, { id });
  }

  private taken(id: string): boolean {
    return this.registry._idmap.has(id);
  }

  /** A component name for `schema`: its own id, else `name` (made unique). */
  component(schema: z.ZodType, name: string): string {
    const own = this.registry.get(schema)?.id;
    if (own) return own;
    let id = name;
    for (let n = 2; this.taken(id); n++) id = `${name}${n}`;
    this.registry.add(schema, { id });
    return id;
  }

  /** Registers an unnamed schema to be inlined; named ones stay references. */
  use(schema: z.ZodType, hint: string): void {
    if (this.registry.get(schema)) return;
    this.temporary.add(this.component(schema, `__${hint}`));
  }

  convert(): void {
    const { schemas } = z.toJSONSchema(this.registry, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
      uri: (id) => COMPONENTS + id,
    }) as { schemas: Record<string, Json> };
    // Schemas zod must extract but that have no id (recursive unnamed ones) land in
    // __shared/$defs; they become components of their own.
    const shared = (schemas.__shared?.$defs ?? {}) as Record<string, Json>;
    delete schemas.__shared;
    const sharedName = (key: string) => `Shared.${key}`;
    for (const [key, s] of Object.entries(shared)) schemas[sharedName(key)] = s;
    const sharedRef = new RegExp(`^${COMPONENTS}__shared#/\\$defs/(.+)$`);
    const fix = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(fix);
      else if (node && typeof node === 'object') {
        const o = node as Json;
        delete o.$schema;
        if (typeof o.$id === 'string' && o.$id.startsWith(COMPONENTS)) delete o.$id;
        if (typeof o.$ref === 'string') o.$ref = o.$ref.replace(sharedRef, (_m, key: string) => COMPONENTS + sharedName(key));
        Object.values(o).forEach(fix);
      }
    };
    fix(schemas);
    this.converted = schemas;
  }

  /** The JSON Schema to write where `schema` is used: a $ref, or an inline copy. */
  json(schema: z.ZodType): Json {
    const id = this.registry.get(schema)?.id;
    if (!this.converted || !id) throw new TypeError('json() before use() and convert()');
    return this.temporary.has(id) ? structuredClone(this.converted[id]) : ref(id);
  }

  /** The named (non-temporary) components. */
  components(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const [id, s] of Object.entries(this.converted ?? {})) if (!this.temporary.has(id)) out[id] = s;
    return out;
  }
}

const SIGNATURE_DESCRIPTION = `RFC 9421 HTTP Message Signatures, as SPEC §8 profiles them. No passwords or bearer tokens.

Send two headers:

    Signature-Input: sig1=("@method" "@path" "@query");created=<unix seconds>;keyid="<actor id or card:<id>>";alg="ed25519"
    Signature: sig1=:<base64 of the 64-byte Ed25519 signature>:

The signature is over the signature base (RFC 9421 §2.5):

    "@method": GET
    "@path": /v1/entries/41
    "@query": ?size=42
    "@signature-params": ("@method" "@path" "@query");created=…;keyid="…";alg="ed25519"

\`@query\` is \`?\` when the request has no query. \`created\` must be within ±300 s of the server clock; the key is the
actor's current key (a card holder signs with the card's holderKey). A missing, malformed, expired or non-verifying
signature is 401 \`unauthenticated\`; a verified caller whose role may not read is 403 \`forbidden\`.
Routes marked \`signed\` require it; routes marked \`optional\` answer more to a signed caller.`;

const INFO_DESCRIPTION = `anxin, a tamper-evident ledger for prepaid-card supervision and food traceability (SPEC §8).

Events are signed envelopes (SPEC §2): \`sig\` signs \`"anxin/event/v1\\n"\` + JCS(envelope without sig and cosig). The
event catalogue — each type's body schema and who may post it — is the \`Event\` schema and the \`x-anxin-events\` map.

Errors are \`application/problem+json\` (RFC 9457) with a stable \`code\`: codes never change, \`detail\` messages may.
Each operation lists the codes it can answer with; \`x-error-codes\` is the full code → HTTP status table.`;

/** The Signature-Input header of an RFC 9421 request signature (its partner, Signature, is the security scheme's). */
const signatureInput = (required: boolean): Json => ({
  name: 'Signature-Input',
  in: 'header',
  required,
  description: `RFC 9421 signature parameters, label sig1, sent with the Signature header (see the httpSignature security scheme)${required ? '' : '; optional here'}.`,
  schema: { type: 'string', example: 'sig1=("@method" "@path" "@query");created=1795334400;keyid="regulator";alg="ed25519"' },
});

const statusOrder = (a: string, b: string) => Number(a) - Number(b);

const parameters = (set: SchemaSet, schema: z.ZodObject | undefined, where: 'path' | 'query'): Json[] => {
  if (!schema) return [];
  const json = set.json(schema);
  const required = new Set<string>(json.required ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, Json>).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
};

/**
 * The problem+json responses of a route, by status. Every route may answer 500
 * `internal`; one with path parameters also 400 `invalid_request` (a path that is
 * not valid percent-encoding).
 */
const errorResponses = (doc: RouteDoc): Json => {
  const always: ErrorCode[] = doc.path.includes('{') ? ['invalid_request', 'internal'] : ['internal'];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...doc.errors, ...always])) {
    const status = ERROR_STATUS[code];
    if (status === undefined) throw new TypeError(`unknown error code ${code}`);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Json = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b))
    out[status] = {
      description: list.map((c) => `\`${c}\``).join(', '),
      content: {
        'application/problem+json': { schema: { allOf: [ref('Problem'), { properties: { code: { enum: list } } }] } },
      },
    };
  return out;
};

const security = (auth: RouteDoc['auth']): Json[] =>
  auth === 'signed' ? [{ [SIGNATURE_SCHEME]: [] }] : auth === 'optional' ? [{}, { [SIGNATURE_SCHEME]: [] }] : [];

const AUTH_NOTE: Record<RouteDoc['auth'], string> = {
  public: 'Public.',
  signed: 'Requires an RFC 9421 request signature (`httpSignature`).',
  optional: 'Public; a caller who signs the request (`httpSignature`) may see more.',
  event: 'No request signature: each event in the body is signed (SPEC §2).',
};

const operation = (set: SchemaSet, doc: RouteDoc): Json => {
  const params = [
    ...parameters(set, doc.params, 'path'),
    ...parameters(set, doc.query, 'query'),
    ...(doc.auth === 'signed' ? [{ $ref: '#/components/parameters/SignatureInput' }] : []),
    ...(doc.auth === 'optional' ? [{ $ref: '#/components/parameters/SignatureInputOptional' }] : []),
  ];
  const responses: Json = {};
  for (const [status, r] of Object.entries(doc.responses).sort(([a], [b]) => statusOrder(a, b)))
    responses[status] = {
      description: r.description,
      ...(r.headers
        ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) }
        : {}),
      ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: set.json(r.schema) } } } : {}),
    };
  Object.assign(responses, errorResponses(doc));
  return {
    operationId: operationId(doc.method, doc.path),
    tags: [doc.tag],
    summary: doc.summary,
    description: [doc.description, AUTH_NOTE[doc.auth]].filter(Boolean).join('\n\n'),
    'x-anxin-auth': doc.auth,
    security: security(doc.auth),
    ...(params.length ? { parameters: params } : {}),
    ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: set.json(doc.body) } } } } : {}),
    responses,
  };
};

/** Components reachable from `roots` through $refs. */
const reachable = (roots: unknown, components: Record<string, Json>): Set<string> => {
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const r = (node as Json).$ref;
      if (typeof r === 'string' && r.startsWith(COMPONENTS)) {
        const id = r.slice(COMPONENTS.length);
        if (!seen.has(id)) {
          seen.add(id);
          walk(components[id]);
        }
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(roots);
  return seen;
};

const packageVersion = (): string => JSON.parse(readFileSync(`${PROJECT_ROOT}package.json`, 'utf8')).version;

/** The OpenAPI 3.1 document for `plugins` (default: the service's). */
export const buildOpenApi = (plugins: readonly Plugin[] = PLUGINS): Json => {
  const docs = routeDocs(plugins);
  const types = eventTypes(plugins);
  const set = new SchemaSet();

  const seen = new Set<string>();
  for (const doc of docs) {
    const key = `${doc.method.toUpperCase()} ${doc.path}`;
    if (seen.has(key)) throw new TypeError(`${key} is documented twice`);
    seen.add(key);
    const id = operationId(doc.method, doc.path);
    if (doc.params) set.use(doc.params, `${id}.path`);
    if (doc.query) set.use(doc.query, `${id}.query`);
    if (doc.body) set.use(doc.body, `${id}.body`);
    for (const [status, r] of Object.entries(doc.responses)) if (r.schema) set.use(r.schema, `${id}.${status}`);
  }
  const bodies = new Map(types.map((t) => [t.type, set.component(t.body, bodyName(t.type))]));
  set.convert();

  const paths: Json = {};
  for (const doc of docs) (paths[doc.path] ??= {})[doc.method] = operation(set, doc);

  const schemas = set.components();
  schemas.ErrorCode = {
    type: 'string',
    enum: ERROR_CODES,
    description: 'The stable error codes (SPEC §8); x-error-codes gives their HTTP status.',
  };
  if (schemas.Problem?.properties?.code) schemas.Problem.properties.code = ref('ErrorCode');

  const events: Json = {};
  const mapping: Record<string, string> = {};
  for (const t of types) {
    const name = `Event.${t.type}`;
    const who = t.roles === 'any' ? 'any registered actor' : t.roles.join(', ');
    schemas[name] = {
      description: `A signed ${t.type} event. Who may post it: ${who}.`,
      'x-anxin-roles': t.roles,
      allOf: [
        ref('Envelope'),
        {
          type: 'object',
          properties: { type: { const: t.type }, body: ref(bodies.get(t.type)!) },
          required: ['type', 'body'],
        },
      ],
    };
    mapping[t.type] = COMPONENTS + name;
    events[t.type] = { event: ref(name), body: ref(bodies.get(t.type)!), roles: t.roles };
  }
  schemas.Event = {
    description: 'A signed event of any type in the catalogue; `type` selects the body schema (see x-anxin-events).',
    oneOf: types.map((t) => ref(`Event.${t.type}`)),
    discriminator: { propertyName: 'type', mapping },
  };

  const tags = [...new Set(docs.map((d) => d.tag))].map((name) => ({ name }));
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'anxin',
      version: packageVersion(),
      description: INFO_DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags,
    paths,
    components: {
      schemas: {},
      parameters: {
        SignatureInput: signatureInput(true),
        SignatureInputOptional: signatureInput(false),
      },
      securitySchemes: {
        [SIGNATURE_SCHEME]: { type: 'apiKey', in: 'header', name: 'Signature', description: SIGNATURE_DESCRIPTION },
      },
    },
    'x-error-codes': { ...ERROR_STATUS },
    'x-anxin-events': events,
  };

  // Keep the components the document uses (always the error table's), sorted by name.
  const used = reachable([paths, events, ref('ErrorCode'), ref('Problem'), ref('Event')], schemas);
  for (const name of Object.keys(schemas).sort()) if (used.has(name)) document.components.schemas[name] = schemas[name];
  return document;
};

/** openapi.yaml's text. */
export const renderOpenApi = (plugins: readonly Plugin[] = PLUGINS): string =>
  '# Generated by scripts/openapi.ts (npm run openapi) from the zod schemas and route docs. Do not edit.\n' +
  stringify(buildOpenApi(plugins), { aliasDuplicateObjects: false, lineWidth: 0 });

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
