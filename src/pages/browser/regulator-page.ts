/**
 * The regulator dashboard in the browser (SPEC §11). Sign-in is the key file
 * chosen in `<input type="file" data-key-file>`: it is read and parsed here and
 * kept in memory only (a reload signs out); every API request is signed here
 * (session.ts). Then the sections load: chain status, anomalies, merchants, and
 * the recall view when a code is given (?recall= pre-fills it).
 *
 * Only a read-only key signs in (SPEC §5, §11): an `auditor` registered for the
 * dashboard. A key that can post (a regulator's) is refused before any request
 * is signed with it, so a compromised page cannot turn a dashboard session into
 * registrations, suspensions, recalls or disposals; those stay with the CLI.
 */
import { fill, meta, one } from './dom.js';
import { fmt, messages, type Lang } from './messages.js';
import { failureCode, Session } from './session.js';
import { loadAnomalies } from './regulator/anomalies.js';
import { loadChain, runVerify } from './regulator/chain.js';
import { showEntry } from './regulator/entry.js';
import { loadMerchants } from './regulator/merchants.js';
import { loadRecall } from './regulator/recall.js';
import { loadRecalls } from './regulator/recalls.js';
import type { Dash } from './regulator/shared.js';

const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
const t = messages(lang);
const anchor = { origin: meta('anxin-origin'), operatorKey: meta('anxin-operator-key') };

const input = one<HTMLInputElement>('[data-key-file]');
const signinBox = one('[data-signin]');
const signinError = one('[data-signin-error]');
const sessionBar = one('[data-session]');
const dashboard = one('[data-dashboard]');
const recallForm = one<HTMLFormElement>('[data-recall-form]');
const entryBox = one('[data-entry-box]');

let dash: Dash | undefined;

const recall = (d: Dash) => {
  const code = (recallForm.elements.namedItem('code') as HTMLInputElement).value.trim();
  if (code) return loadRecall(d, code, one('[data-recall]'));
};

const entryFromHash = (d: Dash) => {
  const m = /^#entry-(\d{1,15})$/.exec(location.hash);
  if (m) return showEntry(d, Number(m[1]), entryBox, one('[data-entry]'));
};

const loadAll = (d: Dash) =>
  Promise.all([
    loadChain(d, one('[data-chain]')),
    runVerify(d, one('[data-verify-report]')),
    loadAnomalies(d, one('[data-anomaly-counts]'), one('[data-anomalies]')),
    loadMerchants(d, one('[data-merchants]')),
    recall(d),
    loadRecalls(d, one('[data-recalls]')),
    entryFromHash(d),
  ]);

const signIn = async (file: File): Promise<void> => {
  signinError.hidden = true;
  let session: Session;
  try {
    session = Session.fromKeyFile(await file.text());
  } catch (e) {
    signinError.textContent = fmt(t.regKeyInvalid, { detail: e instanceof Error ? e.message : String(e) });
    signinError.hidden = false;
    return;
  }
  let name = session.id;
  try {
    // Public and unsigned: the key is not used until it is known to be read-only.
    const actor = (await session.get<{ name: string; role: string }>(`/v1/actors/${encodeURIComponent(session.id)}`, false)).body;
    if (actor.role !== 'auditor') {
      signinError.textContent = fmt(t.regKeyNotReadOnly, { id: session.id, role: actor.role });
      signinError.hidden = false;
      input.value = '';
      return;
    }
    name = actor.name;
  } catch (e) {
    signinError.textContent = fmt(t.regError, { code: failureCode(e) });
    signinError.hidden = false;
    input.value = '';
    return;
  }
  const d: Dash = { session, t, lang, anchor };
  dash = d;
  fill(one('[data-who]'), fmt(t.regSignedIn, { name, id: session.id }));
  signinBox.hidden = true;
  sessionBar.hidden = false;
  dashboard.hidden = false;
  document.body.dataset.signedIn = 'true';
  await loadAll(d);
  document.body.dataset.loaded = 'true';
};

const signOut = () => {
  dash = undefined;
  input.value = '';
  signinBox.hidden = false;
  sessionBar.hidden = true;
  dashboard.hidden = true;
  delete document.body.dataset.signedIn;
  delete document.body.dataset.loaded;
};

input.addEventListener('change', () => {
  const file = input.files?.[0];
  if (file) void signIn(file);
});
one('[data-sign-out]').addEventListener('click', signOut);
one('[data-refresh]').addEventListener('click', () => dash && void loadAll(dash));
one('[data-verify-run]').addEventListener('click', () => dash && void runVerify(dash, one('[data-verify-report]')));
recallForm.addEventListener('submit', (e) => {
  e.preventDefault();
  if (dash) void recall(dash);
});
window.addEventListener('hashchange', () => dash && void entryFromHash(dash));
one('[data-entry-close]').addEventListener('click', () => {
  entryBox.hidden = true;
  history.replaceState(null, '', location.pathname + location.search);
});
