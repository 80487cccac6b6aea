/**
 * A witness's durable state: per log origin, the latest checkpoint it cosigned
 * (size, root, and the note with its cosignature; a replaying witness also the
 * subject note it cosigned at that size). Saved atomically — write a
 * temporary file, fsync it, rename it over the old one, fsync the directory —
 * so a crash leaves either the old state or the new one, and the witness never
 * answers before its new state is durable (c2sp.org/tlog-witness).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../tlog/files.js';

const logState = z.strictObject({
  size: z.number().int().nonnegative(),
  /** Base64 root hash at `size`. */
  root: z.string(),
  /** The cosigned checkpoint: the log's note with this witness's cosignature appended. */
  note: z.string(),
  /** A replaying witness: the log's subject note at `size` with this witness's cosignature appended (SPEC §12). */
  subjects: z.string().optional(),
});
const stateFile = z.strictObject({ v: z.literal(1), logs: z.record(z.string(), logState) });

export type LogState = z.infer<typeof logState>;
export type WitnessState = z.infer<typeof stateFile>;

export const STATE_FILE = 'witness-state.json';

export const loadState = (dir: string): WitnessState => {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return { v: 1, logs: {} };
  const parsed = stateFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a witness state file: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
};

export const saveState = (dir: string, state: WitnessState): void => writeFileAtomic(join(dir, STATE_FILE), JSON.stringify(state));
