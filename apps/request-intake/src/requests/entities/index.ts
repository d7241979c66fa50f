import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { RequestActionEntity } from './request-action.entity';
import { RequestEventEntity } from './request-event.entity';
import { RequestHoldEntity } from './request-hold.entity';
import { RequestEntity } from './request.entity';

export { IdempotencyKeyEntity, RequestActionEntity, RequestEventEntity, RequestHoldEntity, RequestEntity };

export const REQUEST_ENTITIES = [
  RequestEntity,
  RequestActionEntity,
  RequestHoldEntity,
  RequestEventEntity,
  IdempotencyKeyEntity,
];
