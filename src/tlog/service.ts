/**
 * The service's transparency interfaces (SPEC §12) over one Ledger: its verifier
 * key, the /tlog handler, and the checkpoint to serve — the newest one meeting
 * the witness quorum when witnessing is configured, else the newest signed one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ED25519_TYPE, formatVkey, fromBase64Url, nodeSuite, type Ledger, type ViewPoint } from '../../ledger/index.js';
import { entryBytes, TileServer } from './files.js';
import { tlogHandler } from './routes.js';

/** A checkpoint with the cosignatures that meet the quorum. */
export interface Cosigned {
  size: number;
  /** The signed note: the operator's signature and every cosignature received. */
  note: string;
}

/** What the HTTP layer needs of witness cosigning (witnessing.ts). */
export interface Witnessing {
  /** The newest checkpoint meeting the policy's quorum, if any yet. */
  cosigned(): Cosigned | undefined;
  /**
   * The newest checkpoint at which the checkpoint and its subject note both meet the quorum,
   * with every cosignature in its `note` and `subjects.note`, and the subject map at that size.
   */
  view(): ViewPoint | undefined;
}

export interface TlogService {
  /** The log's signed-note verifier key, `<origin>+<key ID>+<base64(0x01 ‖ key)>`. */
  readonly vkey: string;
  /** GET/HEAD /tlog/…: answers and returns true, or returns false. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** `cosigned` of GET /v1/checkpoint: null without witnessing or before the quorum is first met. */
  cosigned(): Cosigned | null;
  /** The note GET /tlog/checkpoint serves; undefined while no checkpoint meets the witness quorum. */
  checkpointNote(): string | undefined;
  readonly witnessing?: Witnessing;
}

export const logVkey = (origin: string, operatorKey: string): string =>
  formatVkey(nodeSuite, origin, ED25519_TYPE, fromBase64Url(operatorKey)!).vkey;

export const tlogService = (ledger: Ledger, witnessing?: Witnessing, log?: (err: unknown) => void): TlogService => {
  const tiles = new TileServer({
    get size() {
      return ledger.size;
    },
    nodes: (ids) => ledger.nodes(ids),
    entryBytes: (i) => entryBytes(ledger.entry(i)),
  });
  const cosigned = () => witnessing?.cosigned() ?? null;
  // With a policy, only a checkpoint that meets its quorum is served (none before the first one does).
  const checkpointNote = () => (witnessing ? cosigned()?.note : ledger.checkpoint.note);
  return {
    vkey: logVkey(ledger.origin, ledger.operatorKey),
    handle: tlogHandler({ tiles, checkpoint: checkpointNote, subjectNote: (size) => ledger.checkpointAt(size)?.subjects?.note, log }),
    cosigned,
    checkpointNote,
    witnessing,
  };
};
