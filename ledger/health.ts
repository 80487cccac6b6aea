/**
 * Whether the ledger can write, and how it heals (the failure state of log.ts).
 *
 *   healthy ──write fails──▶ failed ──probe succeeds, store reopened──▶ healthy
 *                              ▲  │
 *                              └──┘ probe or reopen fails: retry after `retryMs`
 *
 * A failed write rejects every transaction not yet durable (nothing acknowledged is
 * lost: a transaction resolves only after its batch was written with fsync), and
 * until the ledger is healthy again new transactions are refused with
 * LEDGER_UNAVAILABLE (HTTP 503 `unavailable`). The probe writes and fsyncs a small
 * file beside the store; once that succeeds the store is closed and reopened
 * (LevelDB refuses every write after a failed log write until it is reopened), the
 * open-time invariants are checked again, and appends resume from the durable head.
 */
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type WriteHealth =
  | { ok: true }
  | {
      ok: false;
      /** What failed, for /healthz and the operator. */
      reason: string;
      /** When the ledger stopped taking writes (RFC 3339). */
      since: string;
      /** Probes tried since. */
      probes: number;
    };

/** Bytes the probe writes: room for a commit group's log record and LevelDB's own bookkeeping. */
export const PROBE_BYTES = 256 * 1024;

/** Writes, fsyncs and removes a probe file in `dir`; throws what the file system threw. */
export const probeWrite = (dir: string, bytes = PROBE_BYTES): void => {
  const path = join(dir, '.anxin-write-probe');
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, Buffer.alloc(bytes));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
};

/** A reason an operator can act on, from what a write threw. */
export const describeWriteFailure = (cause: unknown): string => {
  const e = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const text = [e?.message, e?.cause?.message].filter(Boolean).join(': ');
  if (/ENOSPC|No space left/i.test(text) || e?.code === 'ENOSPC') return `the disk is full (${text})`;
  if (/EIO|I\/O error/i.test(text) || e?.code === 'EIO') return `an I/O error (${text})`;
  return `a durable write failed (${text || String(cause)})`;
};
