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
 * Nest's default RPC exception filter replaces every error with "Internal server error";
 * this one lets the original through, so that retries, dead-letter reasons and logs keep it.
 */
@Catch()
export class RethrowRpcErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
