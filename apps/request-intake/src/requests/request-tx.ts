/**
 * What every DPO decision on a request does inside its transaction: lock the request (404
 * if there is none), check the transition (409 if impossible), and publish correlated
 * with the request. Shared by RequestsService and RequestDecisionsService.
 */
import { HttpStatus } from '@nestjs/common';
import type { EventPublisher } from '@datarights/messaging';
import { AppError, ErrorCode } from '@datarights/service-kit';
import type { RequestEntity } from './entities';
import type { Publish } from './request-journal';
import { applyCommand, InvalidTransitionError, type RequestCommand, type RequestStatus } from './request-state';
import type { RequestsRepository, Tx } from './requests.repository';

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

export function publisherFor(publisher: EventPublisher, tx: Tx, requestId: string): Publish {
  return (name, data) => publisher.publish(tx, name, data, { correlationId: requestId });
}
