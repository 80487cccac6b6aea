/**
 * /pos in the browser (SPEC §14): the merchant loads its key file (kept in this
 * page only), enters card and amount, and the page makes a card.consume envelope
 * signed by the merchant, shown as a QR code and a link
 * /wallet/confirm#<base64url JCS envelope>. The holder's wallet adds cosig.holder
 * and posts it; the counter never holds the holder's key.
 */
import { canonicalize, parseKeyFile, signEnvelope, toBase64Url, utf8, type SigningKey } from '../../../ledger/portable.js';
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { fill, one } from './dom.js';

let key: SigningKey | undefined;

one<HTMLInputElement>('[data-key-file]').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  const error = one('[data-signin-error]');
  if (!file) return;
  try {
    key = parseKeyFile(nobleSuite, await file.text());
    error.hidden = true;
    fill(one('[data-who]'), key.id);
    one('[data-pos]').hidden = false;
  } catch (err) {
    error.hidden = false;
    fill(error, (err as Error).message);
  }
});

one<HTMLFormElement>('[data-pos-form]').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!key) return;
  const data = new FormData(e.target as HTMLFormElement);
  const card = String(data.get('card') ?? '').trim();
  const amount = Math.round(Number(data.get('amount')) * 100);
  const order = String(data.get('order') ?? '').trim();
  const env = signEnvelope(nobleSuite, key.seed, {
    v: 1,
    id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    type: 'card.consume',
    actor: key.id,
    at: new Date().toISOString(),
    body: { card, amount, ...(order && { order }) },
  });
  const link = `/wallet/confirm#${toBase64Url(utf8(canonicalize(env)))}`;
  const a = one<HTMLAnchorElement>('[data-pos-link]');
  a.href = link;
  fill(a, `${location.origin}${link}`);
  one<HTMLImageElement>('[data-qr]').src = `/pos/qr.svg?link=${encodeURIComponent(link)}`;
  one('[data-pos-out]').hidden = false;
});
