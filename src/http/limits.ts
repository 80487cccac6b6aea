/**
 * Per-client rate limits (config.ts ANXIN_RATE_WRITES, ANXIN_RATE_EXPENSIVE),
 * keyed by the client's socket address, in memory (rate-limiter-flexible). A
 * request over its limit is 429 rate_limited with Retry-After. Behind a reverse
 * proxy every client shares the proxy's address: limit there instead (0 turns a limit off).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { HttpSettings } from '../config.js';
import { ApiError } from '../errors.js';
import type { RateClass } from './route.js';

export class RateLimits {
  private readonly writes?: RateLimiterMemory;
  private readonly expensive?: RateLimiterMemory;

  constructor(settings: Pick<HttpSettings, 'writesPerSecond' | 'expensiveReadsPerMinute'>) {
    if (settings.writesPerSecond > 0)
      this.writes = new RateLimiterMemory({ keyPrefix: 'w', points: settings.writesPerSecond, duration: 1 });
    if (settings.expensiveReadsPerMinute > 0)
      this.expensive = new RateLimiterMemory({ keyPrefix: 'x', points: settings.expensiveReadsPerMinute, duration: 60 });
  }

  /** Resolves when `client` may make one more request of class `cls`; throws 429 rate_limited when it may not. */
  async take(cls: RateClass, client: string): Promise<void> {
    const limiter = cls === 'write' ? this.writes : cls === 'expensive' ? this.expensive : undefined;
    if (!limiter) return;
    try {
      await limiter.consume(client);
    } catch (r) {
      if (!(r instanceof RateLimiterRes)) throw r;
      const retryAfterS = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
      throw new ApiError(
        'rate_limited',
        `too many ${cls === 'write' ? 'writes' : 'expensive reads'} from this client; retry after ${retryAfterS} s`,
        { retryAfterS },
      );
    }
  }
}
