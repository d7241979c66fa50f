/**
 * What every DPO decision on a request does inside its transaction: claim its
 * Idempotency-Key (a retried call gets the first answer), lock the request (404 if there is
 * none), check the transition (409 if impossible), publish correlated with the request, and
 * write what the decision changes to the rows the request's view reads — in the same
 * transaction, so that the DPO reads their own decision at once, whatever the other
 * services' lag; the events that come back later through Kafka are idempotent on those rows
 * (request-actions.ts, request-state.ts `advance`). Shared by RequestsService,
 * RequestDecisionsService and the projection.
 */
import { HttpStatus } from '@nestjs/common';
import { AppError, ErrorCode, type Principal } from '@datarights/service-kit';
import type { RequestEntity } from './entities';
import { bodyHash } from './idempotency';
import { actionsTarget, mergeAction, type ActionState, type ActionUpdate } from './request-actions';
import { applyCommand, InvalidTransitionError, type RequestCommand, type RequestStatus } from './request-state';
import type { RequestsRepository, StoredAction, Tx } from './requests.repository';

export const notFound = (id: string) => new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no request ${id}`);

export async function lockRequest(repo: RequestsRepository, tx: Tx, requestId: string): Promise<RequestEntity> {
  const request = await repo.lock(tx, requestId);
  if (!request) throw notFound(requestId);
  return request;
}

export function transition(status: RequestStatus, command: RequestCommand): RequestStatus {
  try {
    return applyCommand(status, command);
  } catch (err) {
    if (err instanceof InvalidTransitionError)
      throw new AppError(HttpStatus.CONFLICT, ErrorCode.InvalidTransition, err.message, { status, command });
    throw err;
  }
}

/** An answer, and whether it replays the one given earlier to the same Idempotency-Key. */
export interface Answer<T> {
  replayed: boolean;
  body: T;
}

/** One DPO decision as called: who, on which request, by which route, with which body and key. */
export interface DecisionCall {
  principal: Principal;
  requestId: string;
  /** The route's name (`verification`, `extension`, `actions/<commandId>/close`, ...): a key is bound to one route. */
  route: string;
  body: object;
  idempotencyKey?: string;
}

/**
 * Runs a decision in one transaction. With an Idempotency-Key, the key is claimed first (a
 * concurrent call with the same key waits on the key's primary key until this one commits):
 * the same key, route, request and body get the first answer again without running the
 * decision a second time (its state check would now refuse it); the same key with anything
 * else is a conflict. A decision that fails rolls its claim back.
 */
export function decide<T extends object>(
  repo: RequestsRepository,
  call: DecisionCall,
  work: (tx: Tx) => Promise<T>,
): Promise<Answer<T>> {
  return repo.transaction(async (tx): Promise<Answer<T>> => {
    const key = call.idempotencyKey;
    if (key === undefined) return { replayed: false, body: await work(tx) };
    const hash = bodyHash({ route: call.route, requestId: call.requestId, body: call.body });
    const claim = await repo.claimIdempotencyKey(tx, call.principal.id, key, hash, call.requestId, {});
    if (!claim.claimed) {
      if (claim.bodyHash !== hash)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.Conflict,
          'this Idempotency-Key was already used for another call (another route, request or body)',
        );
      return { replayed: true, body: claim.response as T };
    }
    const body = await work(tx);
    await repo.saveIdempotentResponse(tx, call.principal.id, key, body as Record<string, unknown>);
    return { replayed: false, body };
  });
}

/**
 * Merges one update into the request's action it is about (by command id, or the system's
 * plan row), saves it, and returns the status the actions point the request to. The
 * projection calls it with the executor's events; the DPO's decisions with their own
 * effect first, so that the executor's answer, when it comes, changes nothing.
 */
export async function applyActionUpdate(
  repo: RequestsRepository,
  tx: Tx,
  requestId: string,
  update: ActionUpdate,
): Promise<Extract<RequestStatus, 'in-progress' | 'needs-attention'>> {
  const actions = await repo.actionsOf(tx, requestId);
  const existing: StoredAction | undefined =
    actions.find((a) => a.commandId === update.commandId) ??
    actions.find((a) => a.commandId === null && a.systemId === update.systemId);
  const next = mergeAction(existing, update);
  await repo.saveAction(tx, requestId, existing?.id, next);
  const after: ActionState[] = existing ? actions.map((a) => (a.id === existing.id ? next : a)) : [...actions, next];
  return actionsTarget(after);
}
