/**
 * The PostgreSQL schema, as numbered migrations the service applies itself
 * (never by hand): `anxin_migrations` records each one applied; a process that
 * opens the database applies the missing ones in one transaction, under an
 * advisory lock so two processes starting at once do not race. Migrations are
 * append-only: a released one is never edited, a change is a new one.
 *
 * Keys and text sort with COLLATE "C" (byte order of UTF-8), the order LevelDB
 * gives the same keys, so listings are identical on both stores.
 */
import type { PoolClient } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'log tables, sequencer epoch, commit function',
    sql: `
CREATE TABLE anxin_entries (idx bigint PRIMARY KEY, body text NOT NULL);
CREATE TABLE anxin_tree (leaf bigint PRIMARY KEY, record bytea NOT NULL);
CREATE TABLE anxin_events (
  actor text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  idx bigint NOT NULL,
  PRIMARY KEY (actor, id)
);
CREATE INDEX anxin_events_idx ON anxin_events (idx);
-- value NULL: deleted. The row stays (a tombstone) so that processes following the
-- sequencer see the delete; size = the log size of the commit that wrote it.
CREATE TABLE anxin_state (key text COLLATE "C" PRIMARY KEY, value text, size bigint NOT NULL);
CREATE INDEX anxin_state_size ON anxin_state (size);
CREATE TABLE anxin_checkpoints (size bigint PRIMARY KEY, body text NOT NULL);
-- The commit point: the latest checkpoint. size 0 = an empty log.
CREATE TABLE anxin_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), size bigint NOT NULL, body text NOT NULL);
INSERT INTO anxin_head (size, body) VALUES (0, '');
-- Incremented by every process that takes the sequencer lease; every commit names the
-- epoch it was granted, so a former sequencer (paused, partitioned) can no longer write.
CREATE TABLE anxin_sequencer (one boolean PRIMARY KEY DEFAULT true CHECK (one), epoch bigint NOT NULL, since timestamptz NOT NULL);
INSERT INTO anxin_sequencer (epoch, since) VALUES (0, now());

-- One commit group, atomically: fenced by the epoch, chained to the head it extends.
CREATE FUNCTION anxin_commit(
  p_epoch bigint, p_from bigint, p_size bigint,
  e_body text[], t_record bytea[],
  ev_actor text[], ev_id text[], ev_idx bigint[],
  s_key text[], s_value text[],
  p_checkpoint text
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM anxin_sequencer WHERE epoch = p_epoch FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'anxin: epoch % no longer holds the sequencer lease', p_epoch USING ERRCODE = 'AX001';
  END IF;
  UPDATE anxin_head SET size = p_size, body = p_checkpoint WHERE size = p_from;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'anxin: the log is no longer at size %', p_from USING ERRCODE = 'AX002';
  END IF;
  INSERT INTO anxin_entries (idx, body) SELECT p_from + o - 1, b FROM unnest(e_body) WITH ORDINALITY AS u(b, o);
  INSERT INTO anxin_tree (leaf, record) SELECT p_from + o - 1, r FROM unnest(t_record) WITH ORDINALITY AS u(r, o);
  INSERT INTO anxin_events (actor, id, idx) SELECT * FROM unnest(ev_actor, ev_id, ev_idx);
  INSERT INTO anxin_state (key, value, size) SELECT k, v, p_size FROM unnest(s_key, s_value) AS u(k, v)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, size = excluded.size;
  INSERT INTO anxin_checkpoints (size, body) VALUES (p_size, p_checkpoint);
END
$$;
`,
  },
];

/** Any constant: the advisory lock under which migrations run (per database). */
const MIGRATION_LOCK = 0x616e78696e01; // "anxin" 1

/** Applies the missing migrations; returns the versions applied. Refuses a database newer than this build. */
export const migrate = async (client: PoolClient): Promise<number[]> => {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS anxin_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM anxin_migrations');
    const have = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...MIGRATIONS.map((m) => m.version));
    const ahead = rows.find((r) => r.version > newest);
    if (ahead) throw new Error(`the database has schema version ${ahead.version}, newer than this build knows (${newest})`);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (have.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO anxin_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
};
