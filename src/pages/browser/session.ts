/**
 * A signed-in regulator in the browser: the key parsed from the key file the
 * user loaded (it lives in this object only — never stored, never sent), and
 * GETs signed in the page with RFC 9421 (SPEC §8) through the same portable
 * signRequest the Node client uses, with the @noble suite.
 */
import { parseKeyFile, signRequest, type SigningKey } from '../../../ledger/portable.js';
import { nobleSuite } from '../../../ledger/suite-noble.js';

/** A non-2xx answer: the problem+json code when there is one. */
export class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'RequestFailed';
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  location: string | null;
}

export class Session {
  private constructor(readonly key: SigningKey) {}

  /** Parses and checks a key file (its public key must be its seed's); throws with a reason. */
  static fromKeyFile(text: string): Session {
    return new Session(parseKeyFile(nobleSuite, text));
  }

  get id(): string {
    return this.key.id;
  }

  /** GET `target` (path and query), signed unless `signed` is false. */
  async get<T>(target: string, signed = true): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (signed) Object.assign(headers, signRequest(nobleSuite, this.key, { method: 'GET', target }));
    const res = await fetch(target, { headers, cache: 'no-store' });
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) throw new RequestFailed(res.status, body?.code ?? `http_${res.status}`, body?.detail ?? res.statusText);
    return { status: res.status, body: body as T, location: res.headers.get('location') };
  }
}

/** The stable code of a failure, for display. */
export const failureCode = (e: unknown): string => (e instanceof RequestFailed ? e.code : e instanceof Error ? e.message : String(e));
