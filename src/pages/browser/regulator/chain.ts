/**
 * Chain status: the latest checkpoint (size, root, and whether its signature
 * verifies against the pinned operator key — checked here, not taken from the
 * server) and the last verification run (GET /v1/regulator/verify; a long run
 * answers 202 with a job, which is polled until done).
 */
import { fromBase64Url, verifyCheckpoint } from '../../../../ledger/portable.js';
import { nobleSuite } from '../../../../ledger/suite-noble.js';
import { h, fill } from '../dom.js';
import { formatTime } from '../format.js';
import { fmt } from '../messages.js';
import { failureCode } from '../session.js';
import { errorLine, type Checkpoint, type Dash, type VerificationReport, type VerifyJob } from './shared.js';

const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const loadChain = async (d: Dash, box: HTMLElement): Promise<void> => {
  const { t } = d;
  try {
    const cp = (await d.session.get<Checkpoint>('/v1/checkpoint', false)).body;
    const bad = verifyCheckpoint(nobleSuite, cp, d.anchor.origin, fromBase64Url(d.anchor.operatorKey) ?? new Uint8Array());
    fill(
      box,
      h('div', {}, h('dt', {}, t.regSize), h('dd', { 'data-size': cp.size }, cp.size)),
      h(
        'div',
        {},
        h('dt', {}, t.regCheckpoint),
        h(
          'dd',
          {},
          h(
            'span',
            { class: bad ? 'pill pill-bad' : 'pill pill-ok', 'data-checkpoint-ok': String(!bad) },
            bad ? `✗ ${bad}` : `✓ ${cp.size}`,
          ),
        ),
      ),
      h('div', { class: 'wide' }, h('dt', {}, t.regRoot), h('dd', { class: 'mono small' }, cp.root)),
    );
  } catch (e) {
    fill(box, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
};

const showReport = (d: Dash, out: HTMLElement, r: VerificationReport): void => {
  const { t } = d;
  const first = r.errors[0];
  fill(
    out,
    h(
      'span',
      { class: r.ok ? 'pill pill-ok' : 'pill pill-bad', 'data-verified': String(r.ok) },
      r.ok
        ? fmt(t.regVerifyOk, { checked: r.checked, size: r.size })
        : fmt(t.regVerifyBad, { index: first?.index ?? '?', code: first?.code ?? '?' }),
    ),
    r.finishedAt ? h('span', { class: 'small muted' }, ' ', fmt(t.regVerifiedAt, { at: formatTime(r.finishedAt) })) : null,
  );
};

export const runVerify = async (d: Dash, out: HTMLElement, full = false): Promise<void> => {
  const { t } = d;
  fill(out, h('span', { class: 'muted' }, t.regLoading));
  try {
    let answer = await d.session.get<VerificationReport | VerifyJob>(`/v1/regulator/verify${full ? '?full=1' : ''}`);
    while (answer.status === 202) {
      const job = answer.body as VerifyJob;
      fill(out, h('span', { class: 'muted' }, fmt(t.regVerifyRunning, { checked: job.checked })));
      await sleep(POLL_MS);
      answer = await d.session.get<VerifyJob>(`/v1/regulator/verify/jobs/${encodeURIComponent(job.id)}`);
      const polled = answer.body as VerifyJob;
      if (polled.state === 'done') {
        if (!polled.report) throw new Error(polled.error ?? 'verification failed');
        answer = { status: 200, body: polled.report, location: null };
      } else answer = { ...answer, status: 202 };
    }
    showReport(d, out, answer.body as VerificationReport);
  } catch (e) {
    fill(out, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
};
