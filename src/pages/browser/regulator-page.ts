/**
 * The regulator dashboard in the browser (SPEC §11). Sign-in is the key file
 * chosen in `<input type="file" data-key-file>`: it is read and parsed here and
 * kept in memory only (a reload signs out); every API request is signed here
 * (session.ts). Then the sections load: chain status, anomalies, merchants, and
 * the recall view when a code is given (?recall= pre-fills it).
 *
 * The same page serves the other parties that sign in with a key file (SPEC
 * §14), switching on the signed-in actor's role (`body[data-role]`): a
 * custodian bank or an insurer gets the party view (regulator/party.ts); a
 * merchant the complaint desk with its own complaints (regulator/desk.ts); an
 * auditor the regulator's dashboard and the desk.
 *
 * A regulator's key is refused (SPEC §5, §11) before any request is signed with
 * it: the dashboard reads with a read-only `auditor` key registered for it, so a
 * compromised page cannot turn a dashboard session into registrations,
 * suspensions, recalls or disposals; those stay with the CLI. A party's key
 * signs only that party's own reads here.
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
import { loadDesk, type Desk } from './regulator/desk.js';
import { loadParty } from './regulator/party.js';
import { partyMessages } from './party-messages.js';

const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
const t = messages(lang);
const p = partyMessages(lang);
const anchor = { origin: meta('anxin-origin'), operatorKey: meta('anxin-operator-key') };

const input = one<HTMLInputElement>('[data-key-file]');
const signinBox = one('[data-signin]');
const signinError = one('[data-signin-error]');
const sessionBar = one('[data-session]');
const dashboard = one('[data-dashboard]');
const recallForm = one<HTMLFormElement>('[data-recall-form]');
const entryBox = one('[data-entry-box]');

let dash: Dash | undefined;
let role = '';
const desk: Desk = { rows: [], next: null, filter: { status: '', merchant: '', overdue: false } };
const deskForm = one<HTMLFormElement>('[data-desk-form]');
const deskBox = one('[data-desk]');
const deskMore = one('[data-desk-more]');
const partyView = one('[data-party-view]');
const deskView = one('[data-desk-view]');

const readDeskForm = () => {
  const field = (name: string) => deskForm.elements.namedItem(name) as HTMLInputElement;
  desk.filter = { status: field('status').value, merchant: field('merchant').value, overdue: field('overdue').checked };
};

/** The views of the other parties (SPEC §14): which sections a role sees, and loading them. */
const partyLoad = (d: Dash): Promise<unknown> => {
  if (role === 'custodian' || role === 'insurer')
    return loadParty(d, p, role, one('[data-party-title]'), one('[data-party-merchants]'), one('[data-party-claims]'));
  if (role === 'auditor' || role === 'merchant') {
    readDeskForm();
    return loadDesk(d, p, role, desk, deskBox, deskMore);
  }
  return Promise.resolve();
};

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
  role = '';
  try {
    // Public and unsigned: the key is not used until its role is known.
    const actor = (await session.get<{ name: string; role: string }>(`/v1/actors/${encodeURIComponent(session.id)}`, false)).body;
    if (actor.role === 'regulator') {
      signinError.textContent = fmt(t.regKeyNotReadOnly, { id: session.id, role: actor.role });
      signinError.hidden = false;
      input.value = '';
      return;
    }
    name = actor.name;
    role = actor.role;
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
  document.body.dataset.signedIn = 'true';
  document.body.dataset.role = role;
  // Banks, insurers and merchants get their views; any other role (regulators, and whatever else signs in) the
  // dashboard as before, whose reads the service allows or refuses.
  const party = role === 'custodian' || role === 'insurer';
  const dashboardRole = !party && role !== 'merchant';
  dashboard.hidden = !dashboardRole;
  partyView.hidden = !party;
  deskView.hidden = role !== 'auditor' && role !== 'merchant';
  const merchantField = deskForm.elements.namedItem('merchant') as HTMLInputElement;
  merchantField.disabled = role === 'merchant';
  merchantField.value = role === 'merchant' ? session.id : '';
  await Promise.all([dashboardRole ? loadAll(d) : undefined, partyLoad(d)]);
  document.body.dataset.loaded = 'true';
};

const signOut = () => {
  dash = undefined;
  input.value = '';
  signinBox.hidden = false;
  sessionBar.hidden = true;
  dashboard.hidden = true;
  partyView.hidden = true;
  deskView.hidden = true;
  role = '';
  delete document.body.dataset.role;
  delete document.body.dataset.signedIn;
  delete document.body.dataset.loaded;
};

input.addEventListener('change', () => {
  const file = input.files?.[0];
  if (file) void signIn(file);
});
one('[data-sign-out]').addEventListener('click', signOut);
one('[data-refresh]').addEventListener('click', () => {
  if (dash && !dashboard.hidden) void loadAll(dash);
  if (dash) void partyLoad(dash);
});
deskForm.addEventListener('submit', (e) => {
  e.preventDefault();
  if (dash) void partyLoad(dash);
});
deskMore.addEventListener('click', () => dash && void loadDesk(dash, p, role, desk, deskBox, deskMore, true));
one('[data-verify-run]').addEventListener('click', () => dash && void runVerify(dash, one('[data-verify-report]')));
recallForm.addEventListener('submit', (e) => {
  e.preventDefault();
  if (dash) void recall(dash);
});
window.addEventListener('hashchange', () => dash && !dashboard.hidden && void entryFromHash(dash));
one('[data-entry-close]').addEventListener('click', () => {
  entryBox.hidden = true;
  history.replaceState(null, '', location.pathname + location.search);
});
