/**
 * The subject's own filing route (docs/architecture.md: data subjects use the same API's self-service
 * routes). Public: no DPO token; a portal user's token (role `subject`) is accepted but not
 * needed — when one is presented it is checked (401 if bad, never taken as anonymous), and
 * the session's customer number stands for the subject's. Strict per-address rate limit
 * (429). Thin: validate, call the service.
 */
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { Public, type Principal } from '@datarights/service-kit';
import { POST_THROTTLER } from '../http/post-throttler.guard';
import { CreateRequestDto } from '../requests/dto/create-request.dto';
import { ErrorResponseDto } from '../http/error-response.dto';
import { SelfServiceFiledDto, SelfServiceStatusDto } from './dto/self-service.dto';
import { selfServiceLimit } from './self-service.config';
import { SelfServiceService } from './self-service.service';
import { SelfServiceThrottlerGuard } from './self-service.throttler';

@ApiTags('self-service')
@Public({ acceptsToken: true })
@Controller('v1/self-service/requests')
export class SelfServiceController {
  constructor(private readonly selfService: SelfServiceService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(SelfServiceThrottlerGuard)
  @Throttle({ [POST_THROTTLER]: { limit: () => selfServiceLimit.perMinute, ttl: 60_000 } })
  @ApiOperation({
    summary: 'A subject files their own request',
    description:
      'Same body as POST /v1/requests. Without a token, identity sends a one-time code to a contact already on file for the subject (never to an address only this request gives); the deadline is suspended while the proof is awaited (décret 2019-536 art. 77). ' +
      "With a customer-space token (role `subject`), the customer number of the session (claim AUTH_CUSTOMER_CLAIM, `customer_id` by default) is the subject's: filled in when `subject.customerId` is left out, refused (400) when another is given; once it belongs to the matched subject, identity verifies the request without a code (proof `portal-session`). " +
      'A request with a `representative` gets no code: the DPO attests the mandate.',
  })
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: SelfServiceFiledDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid body, or `subject.customerId` is not the customer number of the signed-in session.',
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'A token was presented and is not valid (bad, expired): nothing is recorded.',
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'A staff token (DPO, operator, auditor): staff file with POST /v1/requests.',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many filings from this address.' })
  file(@Req() req: Request, @Body() dto: CreateRequestDto): Promise<SelfServiceFiledDto> {
    // Set by the auth guard only when a token was presented and is valid.
    return this.selfService.file(dto, (req as Request & { principal?: Principal }).principal);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Where a request stands, for the requester who holds its id',
    description:
      'The id is a random UUID returned only to whoever filed the request (the privacy centre shows it on its status page). ' +
      'The answer holds no personal data and nothing about what is held: type, status, dates and, once closed, the outcome.',
  })
  @ApiOkResponse({ type: SelfServiceStatusDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request.' })
  async status(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST })) id: string,
  ): Promise<SelfServiceStatusDto> {
    const found = await this.selfService.status(id);
    if (!found) throw new NotFoundException(`request ${id} not found`);
    return found;
  }
}
