/**
 * The entry viewer behind the anomaly links (#entry-{index}): GET
 * /v1/entries/{index} signed, then checked here — the leaf recomputed from the
 * entry's content, the checkpoint signature against the pinned operator key,
 * and the inclusion proof against that checkpoint's root.
 */
import { entryLeaf, fromBase64Url, fromHex, toHex, verifyCheckpoint, verifyInclusion, type Entry } from '../../../../ledger/portable.js';
import { nobleSuite } from '../../../../ledger/suite-noble.js';
import { h, fill } from '../dom.js';
import { fmt } from '../messages.js';
import { failureCode } from '../session.js';
import { errorLine, type Checkpoint, type Dash } from './shared.js';

interface EntryAnswer {
  entry: Entry;
  proof: { size: number; path: string[] };
  checkpoint: Checkpoint;
}

/** Why the answer does not verify, or undefined. */
export const checkEntry = (d: Dash, a: EntryAnswer, index: number): string | undefined => {
  if (a.entry?.index !== index) return `the server returned entry ${a.entry?.index}`;
  const leaf = entryLeaf(nobleSuite, a.entry.index, a.entry.at, a.entry.event);
  if (toHex(leaf) !== a.entry.leaf) return 'the content does not hash to the leaf';
  const bad = verifyCheckpoint(nobleSuite, a.checkpoint, d.anchor.origin, fromBase64Url(d.anchor.operatorKey) ?? new Uint8Array());
  if (bad) return bad;
  const path = a.proof.path.map((p) => fromHex(p) ?? new Uint8Array());
  if (!verifyInclusion(nobleSuite, index, a.checkpoint.size, leaf, path, fromHex(a.checkpoint.root)!))
    return 'the inclusion proof does not lead to the checkpoint root';
  return undefined;
};

const heading = (box: HTMLElement): HTMLElement => box.querySelector('h2') ?? box;

export const showEntry = async (d: Dash, index: number, box: HTMLElement, body: HTMLElement): Promise<void> => {
  const { t } = d;
  box.hidden = false;
  fill(body, h('p', { class: 'muted' }, t.regLoading));
  heading(box).textContent = fmt(t.regEntry, { index });
  try {
    const { body: a } = await d.session.get<EntryAnswer>(`/v1/entries/${index}`);
    const bad = checkEntry(d, a, index);
    fill(
      body,
      h(
        'p',
        {},
        h(
          'span',
          { class: bad ? 'pill pill-bad' : 'pill pill-ok', 'data-entry-verified': String(!bad) },
          bad ? fmt(t.regEntryBad, { detail: bad }) : t.regEntryOk,
        ),
      ),
      h('pre', { class: 'json' }, JSON.stringify(a.entry, null, 2)),
    );
  } catch (e) {
    fill(body, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
  box.scrollIntoView({ block: 'nearest' });
};
