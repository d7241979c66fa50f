/** The error answers the DPO's routes document (OpenAPI), written once. */
import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** A bearer token is required: 401 without a valid one, 403 (`forbidden` says why) without the role. */
export const ApiTokenErrors = (forbidden: string) =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No bearer token, or an invalid one.' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: forbidden }),
  );

/** The token errors, and those of a route on one request: 400 bad body or id, 404 no such request, 429 flooded. */
export const ApiRequestRouteErrors = (forbidden: string) =>
  applyDecorators(
    ApiTokenErrors(forbidden),
    ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body or id.' }),
    ApiNotFoundResponse({ type: ErrorResponseDto }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto }),
  );
