/**
 * `anxin epcis import` (SPEC §15): reads an EPCIS 2.0 JSON-LD document, maps it
 * (src/epcis/import.ts), signs the events with the key file and posts them one
 * by one in document order — or prints them with `dryRun`. Reports every EPCIS
 * event it does not import, and why, on stderr; stdout is one JSON report.
 * Exit 0 when something was imported (or was already), 1 when nothing could
 * be or the service rejected an event (it stops there: later events may
 * depend on it), 2 when the input is not an EPCIS document.
 */
import { nodeSuite, type SigningKey } from '../ledger/index.js';
import { AnxinClient, ProblemError } from '../src/client/client.js';
import { EpcisInputError, planImport, type ImportOptions } from '../src/epcis/import.js';

export interface EpcisImportRun {
  key: SigningKey;
  url?: string;
  dryRun: boolean;
  /** The document's text, and its name for messages. */
  text: string;
  file: string;
  parties?: ImportOptions['parties'];
  storage?: ImportOptions['storage'];
}

const say = (line: string) => console.error(`anxin epcis import: ${line}`);

export const epcisImport = async (run: EpcisImportRun): Promise<number> => {
  let doc: unknown;
  try {
    doc = JSON.parse(run.text);
  } catch (e) {
    say(`${run.file} is not JSON (${(e as Error).message}); nothing was imported`);
    return 2;
  }
  let plan;
  try {
    plan = planImport(doc, { signer: run.key.id, parties: run.parties, storage: run.storage });
  } catch (e) {
    if (!(e instanceof EpcisInputError)) throw e;
    say(`${run.file}: ${e.message}; nothing was imported`);
    return 2;
  }
  for (const u of plan.unmapped) say(`not imported: ${u.source} (${u.eventType}${u.bizStep ? ` ${u.bizStep}` : ''}): ${u.reason}`);
  for (const o of plan.otherParties)
    say(`left to ${o.party}: ${o.source}${o.bizStep ? ` (${o.bizStep})` : ''} is its event; import with its key`);

  const client = new AnxinClient({ baseUrl: run.url ?? 'http://localhost/', suite: nodeSuite, key: run.key });
  const signed = plan.events.map((p) => ({ source: p.source, envelope: client.sign(client.build(p.type, p.body, { id: p.id })) }));
  const report = { unmapped: plan.unmapped, otherParties: plan.otherParties };
  if (run.dryRun) {
    console.log(JSON.stringify({ events: signed.map((s) => s.envelope), ...report }, null, 2));
    say(`dry run: ${signed.length} event(s) mapped, ${plan.unmapped.length} not mappable, ${plan.otherParties.length} of other parties`);
    return signed.length ? 0 : 1;
  }
  if (!signed.length) {
    console.log(JSON.stringify({ imported: [], already: [], ...report }, null, 2));
    say(`nothing to import from ${run.file}`);
    return 1;
  }
  const imported: Array<{ source: string; id: string; type: string; index: number }> = [];
  const already: Array<{ source: string; id: string; type: string }> = [];
  let rejected: { source: string; id: string; type: string; status: number; code: string; detail: string } | undefined;
  for (const { source, envelope } of signed) {
    const what = { source, id: envelope.id, type: envelope.type };
    try {
      const receipt = await client.post(envelope);
      imported.push({ ...what, index: receipt.index });
    } catch (e) {
      if (!(e instanceof ProblemError)) {
        console.log(JSON.stringify({ imported, already, ...report }, null, 2));
        say(`${source} (${envelope.type}) could not be posted to ${run.url}: ${(e as Error).message}`);
        say(`stopped there: ${imported.length} imported, ${already.length} already there; run it again to go on`);
        return 1;
      }
      // The same id from the same actor: posted by an earlier import (its `at` differed, so the service calls it a duplicate).
      if (e.code === 'duplicate_id') {
        already.push(what);
        continue;
      }
      rejected = { ...what, status: e.status, code: e.code, detail: e.detail };
      break;
    }
  }
  console.log(JSON.stringify({ imported, already, ...(rejected && { rejected }), ...report }, null, 2));
  if (rejected) {
    say(`${rejected.source} (${rejected.type}) was rejected: ${rejected.status} ${rejected.code} — ${rejected.detail}`);
    say(
      `stopped there: ${imported.length} imported, ${already.length} already there, ${signed.length - imported.length - already.length} not posted`,
    );
    return 1;
  }
  say(
    `${imported.length} imported, ${already.length} already there, ${plan.unmapped.length} not mappable, ${plan.otherParties.length} of other parties`,
  );
  return 0;
};
