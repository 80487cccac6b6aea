/** Event ids: ULIDs (Crockford base32: 48-bit time + 80 random bits), which match SPEC §1's event id pattern. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const ulid = (nowMs: number = Date.now()): string => {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rand = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let r = '';
  for (let i = 0; i < 16; i++) r += ALPHABET[rand[i] % 32];
  return time + r;
};
