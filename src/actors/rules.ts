/**
 * The actor registry (SPEC §5): registration by regulators, key rotation by the
 * actor itself, suspension and reinstatement. The genesis regulators are the
 * root of trust. State: `actor/<id>` → ActorRecord.
 */
import type { ActorRecord, ActorRegisterBody } from '../../schemas/actors.js';
import { actorRegister, actorReinstate, actorRotateKey, actorSuspend } from '../../schemas/actors.js';
import { OPERATOR_ACTOR, type GenesisBody } from '../../ledger/index.js';
import { ApiError } from '../errors.js';
import type { EventType, GenesisHandler, PrincipalResolver, State } from '../domain/plugin.js';

export const actorKey = (id: string) => `actor/${id}`;
export const getActor = (state: Pick<State, 'get'>, id: string) => state.get<ActorRecord>(actorKey(id));

export const resolveActor: PrincipalResolver = (state, actor) => {
  const a = getActor(state, actor);
  return a && { id: a.id, role: a.role, status: a.status, publicKey: a.publicKey };
};

/** The root regulators are the ones the genesis entry names (registered at index 0). */
export const isRootRegulator = (state: Pick<State, 'get'>, id: string): boolean => {
  const a = getActor(state, id);
  return a?.role === 'regulator' && a.registeredIndex === 0;
};

/** Registering, suspending or reinstating a regulator is the root regulator's alone (docs/OPERATIONS.md). */
const requireRoot = (state: Pick<State, 'get'>, actor: string, what: string): void => {
  if (!isRootRegulator(state, actor)) throw new ApiError('forbidden', `only a root (genesis) regulator may ${what} a regulator`);
};

export const genesisActors: GenesisHandler = (state, body: GenesisBody, entry) => {
  for (const r of body.regulators)
    state.put(actorKey(r.id), {
      id: r.id,
      role: 'regulator',
      name: r.name,
      publicKey: r.publicKey,
      status: 'active',
      registeredAt: entry.at,
      registeredIndex: entry.index,
    } satisfies ActorRecord);
};

const register: EventType<ActorRegisterBody> = {
  type: 'actor.register',
  body: actorRegister,
  roles: ['regulator'],
  apply(state, { body }, ctx) {
    if (body.id === OPERATOR_ACTOR) throw new ApiError('actor_exists', `"${OPERATOR_ACTOR}" is the ledger operator`);
    if (getActor(state, body.id)) throw new ApiError('actor_exists', `${body.id} is already registered`);
    if (body.role === 'regulator') requireRoot(state, ctx.principal.id, 'register');
    if ((body.role === 'merchant') !== !!body.merchant)
      throw new ApiError('invalid_event', 'body.merchant ({ tier, custodian, insurer? }) is required for role merchant and only for it');
    if (body.merchant) {
      const { custodian, insurer } = body.merchant;
      if (getActor(state, custodian)?.role !== 'custodian')
        throw new ApiError('invalid_event', `body.merchant.custodian: ${custodian} is not a registered custodian`);
      if (insurer !== undefined && getActor(state, insurer)?.role !== 'insurer')
        throw new ApiError('invalid_event', `body.merchant.insurer: ${insurer} is not a registered insurer`);
    }
    state.put(actorKey(body.id), {
      ...body,
      status: 'active',
      registeredAt: ctx.at,
      registeredIndex: ctx.index,
    } satisfies ActorRecord);
  },
};

const rotateKey: EventType<{ publicKey: string }> = {
  type: 'actor.rotateKey',
  body: actorRotateKey,
  roles: 'any',
  apply(state, { actor, body }, ctx) {
    const a = getActor(state, actor)!;
    if (a.publicKey === body.publicKey) throw new ApiError('invalid_event', 'body.publicKey is already the current key');
    state.put(actorKey(actor), { ...a, publicKey: body.publicKey, keyRotatedIndex: ctx.index });
  },
};

const statusChange = (
  type: string,
  schema: typeof actorSuspend,
  to: 'active' | 'suspended',
): EventType<{ id: string; reason: string }> => ({
  type,
  body: schema,
  roles: ['regulator'],
  apply(state, { actor, body }) {
    const a = getActor(state, body.id);
    if (!a) throw new ApiError('not_found', `no actor ${body.id}`);
    if (body.id === actor) throw new ApiError('forbidden', 'a regulator cannot change its own status');
    if (a.role === 'regulator') requireRoot(state, actor, to === 'suspended' ? 'suspend' : 'reinstate');
    if (a.status === to) throw new ApiError('invalid_event', `${body.id} is already ${to}`);
    state.put(actorKey(body.id), { ...a, status: to, statusReason: body.reason });
  },
});

export const actorEvents: EventType[] = [
  register,
  rotateKey,
  statusChange('actor.suspend', actorSuspend, 'suspended'),
  statusChange('actor.reinstate', actorReinstate, 'active'),
];
