import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * A handler throws this when retrying cannot help (e.g. a reply for a command nobody
 * sent): the message goes to the dead-letter topic at once, with this reason.
 */
export class PermanentError extends Error {
  readonly permanent = true;
}

export function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}

/**
 * Nest's default RPC exception filter replaces every handler error with "Internal server
 * error". Every Kafka handler carries this filter (see handler.decorators.ts), so that the
 * messaging server sees the real error: PermanentError goes to the dead-letter topic at
 * once, and retries, dead-letter reasons and logs keep the real cause.
 */
@Catch()
export class RethrowHandlerErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
