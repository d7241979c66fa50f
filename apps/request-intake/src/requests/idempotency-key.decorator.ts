/**
 * The `Idempotency-Key` header of the DPO's write routes (filings and decisions): read and
 * checked once here (400 if malformed), documented once, and the replay marked on the
 * answer (`Idempotent-Replayed: true`).
 */
import { createParamDecorator, HttpStatus, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError, ErrorCode } from '@datarights/service-kit';
import { isValidIdempotencyKey } from './idempotency';
import type { Answer } from './request-tx';

export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isValidIdempotencyKey(value))
    throw new AppError(
      HttpStatus.BAD_REQUEST,
      ErrorCode.ValidationFailed,
      'Idempotency-Key must be 1 to 200 visible ASCII characters',
    );
  return value;
});

/** OpenAPI: the optional header, and what a replay answers. */
export const ApiIdempotencyKey = (description: string) =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description });

/** A decision's Idempotency-Key, as every decision route documents it. */
export const ApiDecisionIdempotencyKey = () =>
  ApiIdempotencyKey(
    'Same key, route, request and body from the same token: the first answer again, nothing done twice (header Idempotent-Replayed: true). Same key with anything else: 409. Without a key, a repeated decision is answered 409 with what was already decided.',
  );

/** The answer's body, with the replay header when it repeats an earlier one. */
export function answer<T>(res: Response, a: Answer<T>): T {
  if (a.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return a.body;
}
