/**
 * The static verifier's card.html?card=<id> (`anxin verifier`, SPEC §12): the
 * card view read from the log in <meta name="anxin-log"> with a request signed
 * by the holder's key, checked against the anchor and policy pinned in the
 * page's <meta>, and shown from what verified only (card-view.ts, the module the
 * service's /wallet runs). The holder's key is imported here from the key file
 * the wallet exports and kept in this site's IndexedDB (wallet-store.ts); it
 * leaves the browser only as request signatures.
 */
import { parseKeyFile, toBase64Url, type KeyFile } from '../../../ledger/portable.js';
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { cardBox, readCard } from './card-view.js';
import { fill, one } from './dom.js';
import type { Lang } from './messages.js';
import { pinned } from './pinned.js';
import { walletMessages } from './wallet-messages.js';
import { load, save } from './wallet-store.js';

const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
const w = walletMessages(lang);

const show = async (): Promise<void> => {
  const { anchor, log } = pinned();
  const card = new URLSearchParams(location.search).get('card') ?? '';
  const keyFile = await load<KeyFile>('key');
  fill(one('[data-holder-key]'), keyFile ? keyFile.publicKey : w.walletNoKey);
  if (!keyFile || !card) return fill(one('[data-cards]'));
  const read = await readCard(anchor, log, card, parseKeyFile(nobleSuite, JSON.stringify(keyFile)));
  fill(one('[data-cards]'), cardBox(lang, w, card, read));
};

const start = async (): Promise<void> => {
  one<HTMLInputElement>('[data-import-key]').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const parsed = parseKeyFile(nobleSuite, await file.text());
    await save('key', { id: parsed.id, publicKey: parsed.publicKey, secretKey: toBase64Url(parsed.seed) });
    await show();
  });
  await show();
  document.documentElement.setAttribute('data-ready', 'true');
};

void start();
