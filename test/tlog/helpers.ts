/**
 * Helpers for the transparency tests: a fixture with a `test.note` event type
 * whose body is free text (to fill a log fast and to size entries exactly), a
 * real HTTP server on 127.0.0.1, and an RFC 6962 tree computed from scratch
 * with node:crypto, independent of ledger/merkle.ts.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { z } from 'zod';
import { PLUGINS, type Plugin } from '../../src/plugins.js';
import request from 'supertest';
import { signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import type { App } from '../../src/app.js';

export const notePlugin: Plugin = {
  domain: {
    name: 'test-note',
    events: [{ type: 'test.note', body: z.strictObject({ text: z.string() }), roles: 'any', apply: () => undefined }],
  },
};

export const startNoteFixture = (): Promise<Fixture> => startFixture({ plugins: [...PLUGINS, notePlugin] });

/** Appends `n` notes by `key` in transactions of `per` events (each transaction is one signed checkpoint). */
export const appendNotes = async (f: Fixture, n: number, per = 50): Promise<number[]> => {
  const author = await f.register(`author-${f.ledger.size}`, 'auditor');
  const sizes: number[] = [];
  for (let done = 0; done < n; done += per) {
    const count = Math.min(per, n - done);
    const events = Array.from({ length: count }, (_, i) => signEvent(author, 'test.note', { text: `note ${done + i}` }, f.clock));
    const res = await request(f.app).post('/v1/events/batch').send({ events });
    if (res.status !== 201) throw new Error(`batch: ${res.status} ${JSON.stringify(res.body)}`);
    sizes.push(f.ledger.size);
  }
  return sizes;
};

export const listen = async (app: App): Promise<{ server: Server; url: string; close(): Promise<void> }> => {
  let server!: Server;
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
export const rfcLeaf = (data: Buffer): Buffer => sha(Buffer.from([0]), data);
/** RFC 6962 §2.1 MTH, straight from the definition. */
export const rfcRoot = (leaves: Buffer[]): Buffer => {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), rfcRoot(leaves.slice(0, k)), rfcRoot(leaves.slice(k)));
};
