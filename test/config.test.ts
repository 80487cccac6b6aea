/** The service's configuration from the environment (src/config.ts): the signature pool's settings. */
import { loadConfig } from '../src/config.js';

const base = { ANXIN_DATA: '/nonexistent/anxin-config-test' };

describe('the configuration', () => {
  test('when ANXIN_SIG_THREADS is not set, then the pool takes its default (one worker per core)', () => {
    expect(loadConfig(base).sigThreads).toBeUndefined();
  });

  test('when ANXIN_SIG_THREADS is a positive integer, then the pool has that many workers', () => {
    expect(loadConfig({ ...base, ANXIN_SIG_THREADS: '1' }).sigThreads).toBe(1);
    expect(loadConfig({ ...base, ANXIN_SIG_THREADS: '3' }).sigThreads).toBe(3);
  });

  test.each(['0', '-1', '1.5', 'many', '257'])('when ANXIN_SIG_THREADS is %s, then the configuration is refused naming it', (v) => {
    expect(() => loadConfig({ ...base, ANXIN_SIG_THREADS: v })).toThrow(/ANXIN_SIG_THREADS/);
  });

  test('when ANXIN_SIG_NICE is not set, then the workers run at nice 0; when it is 0 to 19, at that value', () => {
    expect(loadConfig(base).sigNice).toBe(0);
    expect(loadConfig({ ...base, ANXIN_SIG_NICE: '10' }).sigNice).toBe(10);
  });

  test.each(['-1', '20', 'low'])('when ANXIN_SIG_NICE is %s, then the configuration is refused naming it', (v) => {
    expect(() => loadConfig({ ...base, ANXIN_SIG_NICE: v })).toThrow(/ANXIN_SIG_NICE/);
  });
});
