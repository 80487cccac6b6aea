/**
 * /wallet in the browser (SPEC §14): the holder's key made with the Web Crypto
 * random source and kept in IndexedDB (exportable and importable as a key file);
 * cards added by id, each read with a request signed as card:<id> and verified
 * here (card-view.ts, the module the static verifier's card.html runs too) before
 * its balance is shown, with the named checks; refund requests, complaints
 * and transfers signed here; a statement of the card's entries and proofs to
 * download. /wallet/confirm#<envelope> shows a counter's card.consume, checks the
 * merchant's signature, and on confirmation adds cosig.holder and posts it;
 * /wallet/accept#<envelope> receives a card.transfer, adding cosig.newHolder.
 */
import {
  canonicalize,
  cosignEnvelope,
  fromBase64Url,
  keyFromSeed,
  parseKeyFile,
  signEnvelope,
  toBase64Url,
  utf8,
  verifyEnvelopeSignature,
  type Envelope,
  type KeyFile,
  type SigningKey,
} from '../../../ledger/portable.js';
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { fill, h, meta, one } from './dom.js';
import { formatYuan } from './format.js';
import { cardBox, readCard } from './card-view.js';
import { walletMessages } from './wallet-messages.js';
import type { Lang } from './messages.js';
import { load, save } from './wallet-store.js';

const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
const w = walletMessages(lang);
const anchor = { origin: meta('anxin-origin'), operatorKey: meta('anxin-operator-key') };
const fenOf = (text: string) => Math.round(Number(text) * 100);
const newId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
const fmt = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));

let keyFile: KeyFile | undefined;
let cards: string[] = [];

const holderKeyFor = (card: string): SigningKey => {
  const k = parseKeyFile(nobleSuite, JSON.stringify(keyFile));
  return { ...k, id: `card:${card}` };
};

const post = async (env: Envelope): Promise<{ ok: boolean; body: any }> => {
  const res = await fetch('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(env) });
  return { ok: res.ok, body: await res.json().catch(() => ({})) };
};

const holderEvent = (card: string, type: string, body: unknown): Envelope =>
  signEnvelope(nobleSuite, holderKeyFor(card).seed, { v: 1, id: newId(), type, actor: `card:${card}`, at: new Date().toISOString(), body });

const showKey = () => fill(one('[data-holder-key]'), keyFile ? keyFile.publicKey : w.walletNoKey);

const setKey = async (k: KeyFile) => {
  keyFile = k;
  await save('key', k);
  showKey();
  await renderCards();
};

const download = (name: string, text: string) => {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
};

const result = (el: Element, r: { ok: boolean; body: any }) =>
  fill(el, r.ok ? fmt(w.walletDone, { index: r.body.index }) : fmt(w.walletError, { code: r.body.code ?? 'error' }));

/** A small form: fields → a handler; its answer goes in the line below it. */
const form = (
  label: string,
  fields: Array<[string, string, Record<string, string>?]>,
  onSubmit: (v: Record<string, string>) => Promise<void>,
  out: HTMLElement,
) => {
  const f = h(
    'form',
    { class: 'inline-form' },
    ...fields.map(([name, text, attrs]) => h('label', {}, text, ' ', h('input', { name, required: true, ...attrs }))),
    h('button', { type: 'submit' }, label),
  );
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const data: Record<string, string> = {};
    new FormData(f as HTMLFormElement).forEach((v, k) => (data[k] = String(v)));
    void onSubmit(data).catch((err) => fill(out, fmt(w.walletError, { code: (err as Error).message })));
  });
  return f;
};

const renderCard = async (card: string): Promise<HTMLElement> => {
  const out = h('p', { 'data-out': '' });
  const read = await readCard(anchor, '', card, holderKeyFor(card));
  const box = cardBox(lang, w, card, read);
  if ('error' in read) return box;
  // Refunds and complaints stay possible when the view does not verify (that may be what to complain about).
  const { view } = read;
  box.append(
    form(
      w.walletRefund,
      [['amount', w.walletAmount, { inputmode: 'decimal', 'data-refund-amount': '' }]],
      async (v) => {
        result(out, await post(holderEvent(card, 'card.refundRequest', { card, amount: fenOf(v.amount), reason: 'other' })));
      },
      out,
    ),
    form(
      w.walletComplain,
      [['summary', w.walletSummary, { maxlength: '500', 'data-complaint-summary': '' }]],
      async (v) => {
        const complaint = `CMP-${newId().slice(0, 12)}`;
        result(
          out,
          await post(
            holderEvent(card, 'complaint.file', { complaint, merchant: view.card.merchant, card, category: 'service', summary: v.summary }),
          ),
        );
      },
      out,
    ),
    form(
      w.walletTransfer,
      [['key', w.walletTransferHint, { 'data-transfer-key': '' }]],
      async (v) => {
        const env = holderEvent(card, 'card.transfer', { card, newHolderKey: v.key.trim() });
        const link = `/wallet/accept#${toBase64Url(utf8(canonicalize(env)))}`;
        fill(out, w.walletTransferLink, ' ', h('a', { href: link, 'data-transfer-link': '' }, link));
      },
      out,
    ),
    h(
      'p',
      {},
      Object.assign(h('button', { type: 'button', 'data-statement': '' }, w.walletStatement), {
        onclick: () =>
          download(
            `anxin-card-${card}.json`,
            JSON.stringify({ anchor, card: view.card, entries: view.entries, checkpoint: view.checkpoint, proofs: view.proofs }, null, 2),
          ),
      }),
    ),
    out,
  );
  return box;
};

const renderCards = async () => {
  if (!keyFile) return fill(one('[data-cards]'));
  fill(one('[data-cards]'), ...(await Promise.all(cards.map(renderCard))));
};

/** The envelope in the fragment of /wallet/confirm#… or /wallet/accept#…, or undefined. */
const linkedEnvelope = (): Envelope | undefined => {
  const bytes = fromBase64Url(location.hash.slice(1));
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Envelope;
  } catch {
    return undefined;
  }
};

const confirmFlow = async (accept: boolean) => {
  const env = linkedEnvelope();
  const box = one('[data-confirm-box]');
  box.hidden = false;
  const button = one<HTMLButtonElement>('[data-confirm]');
  const verdict = one('[data-confirm-verify]');
  const out = one('[data-result]');
  const body = (env?.body ?? {}) as { card?: string; amount?: number };
  const card = body.card ?? '';
  if (accept) {
    fill(one('[data-confirm-title]'), w.acceptTitle);
    fill(button, w.acceptButton);
  }
  fill(one('[data-confirm-merchant]'), env?.actor ?? '');
  fill(one('[data-confirm-card]'), card);
  fill(one('[data-confirm-amount]'), body.amount !== undefined ? formatYuan(body.amount) : '');
  // A counter's link is only as good as the merchant's signature, checked here with the key from the registry.
  // (A transfer is signed by the giver's holder key, which is not public: the service checks it on posting.)
  const type = accept ? 'card.transfer' : 'card.consume';
  let signer: string | undefined;
  if (env?.type === type && !accept) {
    const r = await fetch(`/v1/actors/${encodeURIComponent(env.actor)}`);
    signer = r.ok ? (await r.json()).publicKey : undefined;
  }
  const sigOk = !!env && env.type === type && (accept || (!!signer && verifyEnvelopeSignature(nobleSuite, env, signer, env.sig)));
  const haveKey = !!keyFile && (accept || cards.includes(card));
  verdict.setAttribute('data-confirm-verify', sigOk ? 'ok' : 'failed');
  fill(verdict, sigOk ? (haveKey ? w.confirmSigOk : w.confirmNoCard) : w.confirmRefused);
  button.disabled = !(sigOk && haveKey);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const k = parseKeyFile(nobleSuite, JSON.stringify(keyFile));
    const signed = cosignEnvelope(nobleSuite, k.seed, env!, accept ? 'newHolder' : 'holder');
    const r = await post(signed);
    out.setAttribute('data-result', r.ok ? 'ok' : (r.body.code ?? 'error'));
    result(out, r);
    if (r.ok && accept && !cards.includes(card)) await save('cards', (cards = [...cards, card]));
    await renderCards();
  });
};

const start = async () => {
  keyFile = await load<KeyFile>('key');
  cards = (await load<string[]>('cards')) ?? [];
  showKey();
  one('[data-new-key]').addEventListener(
    'click',
    () => void setKey(keyFromSeed(nobleSuite, 'holder', crypto.getRandomValues(new Uint8Array(32)))),
  );
  one('[data-export-key]').addEventListener('click', () => keyFile && download('anxin-holder.key', JSON.stringify(keyFile)));
  one<HTMLInputElement>('[data-import-key]').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const parsed = parseKeyFile(nobleSuite, await file.text());
    await setKey({ id: parsed.id, publicKey: parsed.publicKey, secretKey: toBase64Url(parsed.seed) });
  });
  one<HTMLFormElement>('[data-add-form]').addEventListener('submit', async (e) => {
    e.preventDefault();
    const card = String(new FormData(e.target as HTMLFormElement).get('card') ?? '').trim();
    if (card && !cards.includes(card)) await save('cards', (cards = [...cards, card]));
    await renderCards();
  });
  await renderCards();
  // Another link opened on this page (a second QR code) is a new confirmation: start afresh.
  window.addEventListener('hashchange', () => location.reload());
  if (location.pathname === '/wallet/confirm') await confirmFlow(false);
  if (location.pathname === '/wallet/accept') await confirmFlow(true);
  document.documentElement.setAttribute('data-ready', 'true');
};

void start();
