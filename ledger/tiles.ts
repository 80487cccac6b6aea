/**
 * C2SP tlog-tiles (c2sp.org/tlog-tiles): paths, which tiles a tree of a given
 * size has, tile bytes and entry bundles.
 *
 * Tile N at level L holds MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]) for
 * i < width: exactly the perfect subtrees of height 8·L with indexes N·256 + i,
 * which a stored tree already keeps (merkle.ts NodeId { level: 8·L, index }).
 * So tiles are read straight from the tree records: no second copy of the tree.
 * Pure: storage is a NodeReader.
 */
import { concatBytes } from './encoding.js';
import type { NodeId, NodeReader } from './merkle.js';

export const TILE_WIDTH = 256;
/** Bundle entries are uint16 length-prefixed. */
export const MAX_ENTRY_BYTES = 65_535;

export interface TileRef {
  /** Tile level (0–63), or 'entries' for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** 1–256; 256 is a full tile (no .p/ suffix). */
  width: number;
}

/** `N` as zero-padded 3-digit path elements, all but the last prefixed with x: 1234067 → x001/x234/067. */
export const formatTileIndex = (index: number): string => {
  if (!(Number.isSafeInteger(index) && index >= 0)) throw new RangeError(`tile index ${index}`);
  let n = index;
  const parts = [String(n % 1000).padStart(3, '0')];
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) parts.unshift('x' + String(n % 1000).padStart(3, '0'));
  return parts.join('/');
};

/** "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]" (no leading slash). */
export const formatTilePath = (t: TileRef): string => {
  if (!(t.width >= 1 && t.width <= TILE_WIDTH)) throw new RangeError(`tile width ${t.width}`);
  return `tile/${t.level}/${formatTileIndex(t.index)}${t.width < TILE_WIDTH ? `.p/${t.width}` : ''}`;
};

const TILE_PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/** Parses a path of the form formatTilePath writes (and only that form); undefined otherwise. */
export const parseTilePath = (path: string): TileRef | undefined => {
  const m = TILE_PATH.exec(path);
  if (!m) return undefined;
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > 63) return undefined;
  const elements = [
    ...m[2]
      .split('/')
      .filter(Boolean)
      .map((x) => x.slice(1)),
    m[3],
  ];
  // The first element carries no leading zero element (x000/…), so each index has one path.
  if (elements.length > 1 && elements[0] === '000') return undefined;
  if (elements.length > 6) return undefined;
  const index = elements.reduce((n, e) => n * 1000 + Number(e), 0);
  const width = m[4] === undefined ? TILE_WIDTH : Number(m[4]);
  if (m[4] !== undefined && width >= TILE_WIDTH) return undefined;
  return { level, index, width };
};

/** Number of hashes at tile level `level` in a tree of `size` leaves: floor(size / 256^level). */
const hashesAt = (size: number, level: number): number => Math.floor(size / TILE_WIDTH ** level);

/**
 * The tiles of a tree of `size`, per level: [level, full tiles, width of the
 * partial tile (0 when none)], levels with no hashes left out.
 */
export const tileLayout = (size: number): Array<[number, number, number]> => {
  const out: Array<[number, number, number]> = [];
  for (let level = 0; hashesAt(size, level) > 0; level++) {
    const n = hashesAt(size, level);
    out.push([level, Math.floor(n / TILE_WIDTH), n % TILE_WIDTH]);
  }
  return out;
};

/** Does a tree of `size` contain every hash (or entry) of tile `t`? */
export const tileInTree = (t: TileRef, size: number): boolean =>
  t.index * TILE_WIDTH + t.width <= hashesAt(size, t.level === 'entries' ? 0 : t.level);

/** Every tile path a tree of `size` has (full tiles and its partial tiles), entry bundles included. */
export const tilesOf = (size: number, o: { from?: number } = {}): TileRef[] => {
  const out: TileRef[] = [];
  for (const [level, full, partial] of tileLayout(size)) {
    const refs = (lvl: number | 'entries') => {
      // Only tiles that a tree of size `from` did not already have in full.
      const first = o.from === undefined ? 0 : Math.floor(hashesAt(o.from, level) / TILE_WIDTH);
      for (let i = first; i < full; i++) out.push({ level: lvl, index: i, width: TILE_WIDTH });
      if (partial) out.push({ level: lvl, index: full, width: partial });
    };
    refs(level);
    if (level === 0) refs('entries');
  }
  return out;
};

/** The stored nodes a hash tile is made of. */
export const tileNodes = (t: TileRef): NodeId[] => {
  if (t.level === 'entries') throw new TypeError('an entry bundle is not made of nodes');
  const level = 8 * t.level;
  return Array.from({ length: t.width }, (_, i) => ({ level, index: t.index * TILE_WIDTH + i }));
};

/** The bytes of a hash tile: its hashes concatenated. The caller checks tileInTree first. */
export const readTile = async (t: TileRef, read: NodeReader): Promise<Uint8Array> => concatBytes(...(await read(tileNodes(t))));

/** An entry bundle: each entry as a big-endian uint16 length and its bytes. Throws RangeError for an entry over 65,535 bytes. */
export const encodeBundle = (entries: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let o = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw new RangeError(`an entry of ${e.length} bytes does not fit a bundle`);
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 255;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
};

/** Splits a bundle into its entries; undefined when it is truncated or holds more than `max` entries. */
export const decodeBundle = (bytes: Uint8Array, max = TILE_WIDTH): Uint8Array[] | undefined => {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length || out.length >= max) return undefined;
    const n = (bytes[o] << 8) | bytes[o + 1];
    if (o + 2 + n > bytes.length) return undefined;
    out.push(bytes.subarray(o + 2, o + 2 + n));
    o += 2 + n;
  }
  return out;
};
