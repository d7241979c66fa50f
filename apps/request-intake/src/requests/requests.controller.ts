/**
 * HTTP API for the DPO and operators (thin: validate, call the service, map the result).
 * Operators file and read requests; decisions that bind the controller (identity
 * attested, subject chosen, action closed by hand) are the DPO's.
 */
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ApiTokenErrors } from '../http/api-errors';
import type { Request, Response } from 'express';
import { principalOf, Roles } from '@datarights/service-kit';
import { FileRequestDto } from './dto/create-request.dto';
import { AttestVerificationDto, CloseActionDto, SubjectDecisionDto } from './dto/decisions.dto';
import { ListRequestsQueryDto } from './dto/list-requests.dto';
import { ErrorResponseDto } from '../http/error-response.dto';
import { AcceptedDto, FiledRequestDto, RequestPageDto, RequestViewDto } from './dto/request-view.dto';
import { answer, ApiDecisionIdempotencyKey, ApiIdempotencyKey, IdempotencyKey } from './idempotency-key.decorator';
import { RequestsService } from './requests.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@ApiTags('requests')
@ApiTokenErrors('The token lacks the role.')
@Roles('dpo', 'operator')
@Controller('v1/requests')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'File a request received by e-mail, portal, post or phone',
    description:
      "Records it with its due date and publishes dsr.request.submitted.v1. The due date is one calendar month from receipt (GDPR Art. 12(3)), ending with the last hour of that day in the controller's time zone (Regulation 1182/71 art. 3; policy deadlines.timeZone, Europe/Paris): received 31 January → due at the end of 28 February, Paris time. A request received before it is filed gives `receivedAt` and `receiptEvidence`: its time limit runs from receipt.",
  })
  @ApiIdempotencyKey(
    'Same key and body from the same token: the same request (header Idempotent-Replayed: true). Same key, other body: 409.',
  )
  @ApiCreatedResponse({ type: FiledRequestDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'Invalid body, unknown field, unsupported type, no key to find the subject by, receivedAt in the future or without receiptEvidence.',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Idempotency-Key reused with another body.' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async file(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body() dto: FileRequestDto,
    @IdempotencyKey() key?: string,
  ): Promise<FiledRequestDto> {
    return answer(res, await this.requests.file(principalOf(req), dto, key));
  }

  @Get()
  @ApiOperation({ summary: 'List requests', description: 'Newest first. Overdue: not closed and past its due date.' })
  @ApiOkResponse({ type: RequestPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  list(@Query() query: ListRequestsQueryDto): Promise<RequestPageDto> {
    return this.requests.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A request: status, deadline, per-system outcomes, holds and timeline' })
  @ApiOkResponse({ type: RequestViewDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed id.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Req() req: Request, @Param('id', uuid) id: string): Promise<RequestViewDto> {
    return this.requests.get(principalOf(req), id);
  }

  @Post(':id/verification')
  @ApiDecisionIdempotencyKey()
  @Roles('dpo')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Attest that the requester's identity was checked",
    description:
      "Only while awaiting verification. The request is verified at once (the answer and the next GET say so); publishes dsr.verification.attested.v1, on which identity links the subject's keys (its identity.verified changes no status). The note stays on the request, for the DPO; the document itself is never stored.",
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'Not awaiting verification (INVALID_TRANSITION), already attested (CONFLICT: by whom and when), or the Idempotency-Key was used for another call.',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async attest(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: AttestVerificationDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.requests.attestVerification(principalOf(req), id, dto, key));
  }

  @Post(':id/subject-decision')
  @ApiDecisionIdempotencyKey()
  @Roles('dpo')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Decide who the request is about',
    description:
      '`subject`: one of the candidates (the request then awaits verification). `no-data-held`: the request closes and the requester is told (Art. 12(4)).',
  })
  @ApiOkResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid body, or a subjectRef that is not a candidate.',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not awaiting a subject decision (INVALID_TRANSITION).' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async decide(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: SubjectDecisionDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.requests.decideSubject(principalOf(req), id, dto, key));
  }

  @Post(':id/actions/:commandId/close')
  @ApiDecisionIdempotencyKey()
  @Roles('dpo')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Close an escalated action by hand, with a reason',
    description:
      'The action is closed-manually at once (and the request back in-progress when nothing else is escalated); publishes dsr.action.close-requested.v1, the executor records it and answers.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown request, or no such action on it.' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The action is not escalated (INVALID_TRANSITION), or closing it was already requested.',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async closeAction(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Param('commandId', uuid) commandId: string,
    @Body() dto: CloseActionDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.requests.closeAction(principalOf(req), id, commandId, dto, key));
  }
}
