/**
 * The genesis entry (SPEC §4): entry 0, `ledger.genesis` by actor `operator`,
 * signed by the operator key, naming the origin, the operator key and the root
 * regulators. A verifier pins origin and operator key; everything else follows from the log.
 */
import { signEnvelope, type Envelope } from './event.js';
import type { SigningKey } from './keys.js';
import { nodeSuite } from './suite-node.js';

export const GENESIS_TYPE = 'ledger.genesis';
export const GENESIS_ID = 'genesis-0000';
export const OPERATOR_ACTOR = 'operator';

export interface GenesisBody {
  origin: string;
  operatorKey: string;
  regulators: Array<{ id: string; name: string; publicKey: string }>;
}

export const genesisEvent = (operator: SigningKey, origin: string, regulators: GenesisBody['regulators'], nowMs: number): Envelope =>
  signEnvelope(nodeSuite, operator.seed, {
    v: 1,
    id: GENESIS_ID,
    type: GENESIS_TYPE,
    actor: OPERATOR_ACTOR,
    at: new Date(nowMs).toISOString(),
    body: { origin, operatorKey: operator.publicKey, regulators } satisfies GenesisBody,
  });
