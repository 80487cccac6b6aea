/**
 * The rule-replaying witness reads a log it does not trust (SPEC §12): an entry
 * bundle longer than a bundle of its width can be (each entry at most 65,535
 * bytes behind its 2-byte length) is refused, and the transfer cancelled, before
 * the witness holds it, whether the server declares the length or streams it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ENTRY_BYTES, nodeSuite, randomSeed, toBase64, toBase64Url } from '../../ledger/index.js';
import { RuleFollower } from '../../src/witness/follower.js';

const LIMIT = 2 + MAX_ENTRY_BYTES; // a one-entry bundle
const CHUNK = Buffer.alloc(64 * 1024, 0xff);

let server: Server;
let url: string;
/** Bytes the server managed to write per request path before the witness stopped reading. */
const written = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const declared = req.url!.startsWith('/declared/');
    res.writeHead(200, declared ? { 'content-length': String(64 * 1024 * 1024) } : {});
    let sent = 0;
    const pump = () => {
      // Up to 64 MiB, far past any bundle, unless the client goes away first.
      while (sent < 64 * 1024 * 1024 && !res.destroyed) {
        sent += CHUNK.length;
        written.set(req.url!, sent);
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => written.set(req.url!, sent));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const follower = (prefix: string) =>
  new RuleFollower(`${url}/${prefix}/tlog`, 'anxin.test/ledger', toBase64Url(nodeSuite.publicKey(randomSeed())));

describe('a witness reading a log that serves an oversized entry bundle', () => {
  test.each(['declared', 'streamed'])(
    'when the bundle’s length is %s past what one entry can take, then the check fails naming it and the transfer stops early',
    async (prefix) => {
      const verdict = await follower(prefix).check(1, toBase64(new Uint8Array(32)));
      expect(verdict).toMatchObject({ ok: false, verified: 0 });
      expect(verdict.reason).toContain(`tile/entries/000.p/1 is longer than a bundle of its width can be (${LIMIT} bytes)`);
      await new Promise((r) => setTimeout(r, 100));
      expect(written.get(`/${prefix}/tlog/tile/entries/000.p/1`)).toBeLessThan(16 * 1024 * 1024);
    },
  );
});
