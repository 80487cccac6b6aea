/**
 * The largest checkpoint size this browser accepted, per key (log origin and a
 * trace code or a card), in localStorage: a view served later against an older
 * checkpoint fails the freshness check (SPEC §11). Per lot or card, not per log:
 * the service may serve an unchanged view against an older checkpoint
 * (src/trace/view-cache.ts), never an older one than it served for it before.
 */
const SEEN = 'anxin-seen-size:';

export const seenSize = (key: string): number | undefined => {
  try {
    const n = Number(localStorage.getItem(SEEN + key));
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
};

export const remember = (key: string, size: number): void => {
  try {
    if (size > (seenSize(key) ?? 0)) localStorage.setItem(SEEN + key, String(size));
  } catch {
    // storage disabled: no rollback memory
  }
};
