/**
 * What a page pins in its <meta> (SPEC §11, §12): the log's origin and operator
 * key, on a hosted verifier also the tlog-policy, and where to read the log
 * (`anxin-log`; '' for the page's own origin).
 */
import type { Anchor } from './verify-trace.js';

const metaOr = (name: string): string | undefined => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;

export const pinned = (): { anchor: Anchor; log: string } => {
  const policy = metaOr('anxin-policy');
  return {
    anchor: { origin: metaOr('anxin-origin') ?? '', operatorKey: metaOr('anxin-operator-key') ?? '', ...(policy && { policy }) },
    log: (metaOr('anxin-log') ?? '').replace(/\/+$/, ''),
  };
};
