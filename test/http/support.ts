/** A listening server for the HTTP tests' parallel load (rejections: test/helpers/outcomes.ts). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fixture } from '../helpers/fixture.js';

/** The app listening on a loopback port (one server for many parallel requests). */
export const listen = async (f: Fixture): Promise<{ server: Server; url: string; close(): Promise<void> }> => {
  const server = await new Promise<Server>((resolve) => {
    const s = f.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
