import { ActionEntity } from './action.entity';
import { ClosedRequestEntity } from './closed-request.entity';
import { HoldEntity } from './hold.entity';
import { ProcessorSystemEntity } from './processor-system.entity';
import { RequestExecutionEntity } from './request-execution.entity';

export { ActionEntity, ClosedRequestEntity, HoldEntity, ProcessorSystemEntity, RequestExecutionEntity };

/** Every table of the executor, for its TypeORM data source. */
export const EXECUTION_ENTITIES = [
  RequestExecutionEntity,
  ActionEntity,
  HoldEntity,
  ProcessorSystemEntity,
  ClosedRequestEntity,
];
