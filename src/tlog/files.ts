/**
 * The files of the log's tlog-tiles view (SPEC §12), from any source of stored
 * nodes and entries: the live Ledger (served under /tlog) or a data directory
 * (`anxin tiles`, written to a directory for object storage or a CDN). Both
 * produce the same bytes from the same tree records.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  canonicalEntry,
  encodeBundle,
  formatTilePath,
  parseTilePath,
  readTile,
  TILE_WIDTH,
  tileInTree,
  tilesOf,
  utf8,
  type Entry,
  type NodeReader,
  type TileRef,
} from '../../ledger/index.js';

export interface TileSource {
  /** Entries below this size exist, with every node they complete. */
  readonly size: number;
  nodes: NodeReader;
  /** The bytes of entry `index` in a bundle (for anxin: entryBytes of the stored entry). */
  entryBytes(index: number): Uint8Array | undefined;
}

/** The bytes of an entry in a bundle: JCS({index, at, event}), whose RFC 6962 leaf hash is the entry's `leaf`. */
export const entryBytes = (e: Entry | undefined): Uint8Array | undefined => e && utf8(canonicalEntry(e.index, e.at, e.event));

const bundle = (source: TileSource, t: TileRef): Uint8Array => {
  const entries: Uint8Array[] = [];
  for (let i = t.index * TILE_WIDTH; i < t.index * TILE_WIDTH + t.width; i++) {
    const e = source.entryBytes(i);
    if (!e) throw new Error(`entry ${i} is missing from the store`);
    entries.push(e);
  }
  return encodeBundle(entries);
};

/** The bytes of tile or bundle `t`, which the source's tree must contain. */
export const tileBytes = async (source: TileSource, t: TileRef): Promise<Uint8Array> =>
  t.level === 'entries' ? bundle(source, t) : readTile(t, source.nodes);

/**
 * Serves tile paths ("tile/…", no leading slash) from a live source: undefined
 * for anything that is not a tile path or not (yet) in the log. Any partial
 * tile the log's tree contains is served — a superset of "every size for which
 * a checkpoint was signed" — since its bytes can never change. Full tiles and
 * bundles are kept in a small cache (they are immutable).
 */
export class TileServer {
  /** Recently served full tiles and bundles (immutable), oldest first. */
  private readonly cache = new Map<string, Uint8Array>();

  constructor(private readonly source: TileSource) {}

  async get(path: string): Promise<Uint8Array | undefined> {
    const t = parseTilePath(path);
    if (!t || !tileInTree(t, this.source.size)) return undefined;
    const full = t.width === TILE_WIDTH;
    const hit = full ? this.cache.get(path) : undefined;
    if (hit) return hit;
    const bytes = await tileBytes(this.source, t);
    if (full) {
      if (this.cache.size >= 256) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(path, bytes);
    }
    return bytes;
  }
}

/**
 * The tiles to write when a directory that held the log at size `from` catches
 * up with the signed sizes `sizes` (ascending, each > from): every full tile
 * that appeared, and every partial tile of every signed size, each path once.
 */
export const tilesToWrite = (from: number, sizes: readonly number[]): TileRef[] => {
  const seen = new Set<string>();
  const out: TileRef[] = [];
  let prev = from;
  for (const size of sizes) {
    for (const t of tilesOf(size, { from: prev })) {
      const path = formatTilePath(t);
      if (!seen.has(path)) {
        seen.add(path);
        out.push(t);
      }
    }
    prev = size;
  }
  return out;
};

/**
 * Writes the tiles and bundles of `tilesToWrite(from, sizes)` under `outDir`
 * (as "tile/…" files), skipping files already there: they are immutable, so a
 * directory is brought up to date incrementally. Each file is written to a
 * temporary name and renamed, so a reader (or a sync to object storage) never
 * sees half a file. Returns the number of files written.
 */
export const writeTileFiles = async (source: TileSource, outDir: string, from: number, sizes: readonly number[]): Promise<number> => {
  let written = 0;
  for (const t of tilesToWrite(from, sizes)) {
    const file = join(outDir, formatTilePath(t));
    if (existsSync(file)) continue;
    writeFileAtomic(file, await tileBytes(source, t));
    written++;
  }
  return written;
};

/** Write-temp, fsync, rename, fsync the directory: the file is either old or new, never torn. */
export const writeFileAtomic = (file: string, data: Uint8Array | string): void => {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
};
