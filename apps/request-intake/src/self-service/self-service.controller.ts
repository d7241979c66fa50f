/**
 * The subject's own filing route (DESIGN.md: data subjects use the same API's self-service
 * routes). Public: no DPO token; a portal user's token is accepted but not needed. Strict
 * per-address rate limit (429). Thin: validate, call the service.
 */
import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { Public } from '@datarights/service-kit';
import { POST_THROTTLER } from '../http/post-throttler.guard';
import { CreateRequestDto } from '../requests/dto/create-request.dto';
import { ErrorResponseDto } from '../requests/dto/request-view.dto';
import { SelfServiceFiledDto } from './dto/self-service.dto';
import { selfServiceLimit } from './self-service.config';
import { SelfServiceService } from './self-service.service';
import { SelfServiceThrottlerGuard } from './self-service.throttler';

@ApiTags('self-service')
@Public()
@Controller('v1/self-service/requests')
export class SelfServiceController {
  constructor(private readonly selfService: SelfServiceService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(SelfServiceThrottlerGuard)
  @Throttle({ [POST_THROTTLER]: { limit: () => selfServiceLimit.perMinute, ttl: 60_000 } })
  @ApiOperation({
    summary: 'A subject files their own request',
    description: 'Same body as POST /v1/requests. Identity then sends a one-time code to a contact already on file for the subject (never to an address only this request gives); the deadline is suspended while the proof is awaited (décret 2019-536 art. 77).',
  })
  @ApiCreatedResponse({ type: SelfServiceFiledDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many filings from this address.' })
  file(@Req() req: Request, @Body() dto: CreateRequestDto): Promise<SelfServiceFiledDto> {
    // A portal user's token (role `subject`), when the auth guard checked one, names them; otherwise the filing is anonymous until verified.
    const principal = (req as Request & { principal?: { id: string } }).principal?.id;
    return this.selfService.file(dto, principal ? `subject:${principal}` : 'self-service');
  }
}
