/**
 * HTTP routes of the DPO's Art. 12 decisions (thin): extend the deadline, refuse, reject,
 * and record a controller's acknowledgement of a forwarded request. DPO only: they bind
 * the controller.
 */
import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRequestRouteErrors } from '../http/api-errors';
import type { Request, Response } from 'express';
import { principalOf, Roles } from '@datarights/service-kit';
import {
  AcknowledgementDto,
  ExtensionDto,
  InformationAwaitedDto,
  InformationReceivedDto,
  RefusalDto,
  RejectionDto,
  RestrictionLiftDto,
  ObjectionDecisionDto,
} from './dto/decisions.dto';
import { ErrorResponseDto } from '../http/error-response.dto';
import { AcceptedDto, ExtendedRequestDto } from './dto/request-view.dto';
import { ApiDecisionIdempotencyKey, answer, IdempotencyKey } from './idempotency-key.decorator';
import { RequestDecisionsService } from './request-decisions.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@ApiTags('requests')
@ApiRequestRouteErrors('Not the DPO.')
@ApiDecisionIdempotencyKey()
@Roles('dpo')
@Controller('v1/requests')
export class RequestDecisionsController {
  constructor(private readonly decisions: RequestDecisionsService) {}

  @Post(':id/extension')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Extend the deadline by one or two months (Art. 12(3))',
    description:
      "Once, and only while the first month runs (before the original due date); at most the policy's deadlines.extensionMax. The new due date counts from receipt, keeps the days the deadline was suspended, and ends with the last hour of the day in the controller's time zone. The subject is told the reasons and the new due date (notice `deadline-extended`). Publishes dsr.request.extended.v1.",
  })
  @ApiOkResponse({ type: ExtendedRequestDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Closed, already extended, or the first month is over (INVALID_TRANSITION).',
  })
  async extend(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: ExtensionDto,
    @IdempotencyKey() key?: string,
  ): Promise<ExtendedRequestDto> {
    return answer(res, await this.decisions.extend(principalOf(req), id, dto, key));
  }

  @Post(':id/information-request')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Record that information was asked of the subject: the deadline stands still (décret 2019-536 art. 77)',
    description:
      "While an open request awaits information the DPO asked the subject for (which account, which data), its time limit is suspended: it is neither due soon nor overdue. Not while identity awaits the subject's proof (that wait suspends it already). The reason stays on the request for the DPO. Publishes dsr.request.deadline-suspended.v1.",
  })
  @ApiOkResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Closed, awaiting verification (INVALID_TRANSITION), or information already awaited (CONFLICT).',
  })
  async awaitInformation(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: InformationAwaitedDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.decisions.awaitInformation(principalOf(req), id, dto, key));
  }

  @Post(':id/information-request/received')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Record that the information asked of the subject arrived: the deadline runs again',
    description:
      "The due date moves by the calendar days (controller's time zone) the clock stood still, counting every suspension of the request; an extension keeps them (décret 2019-536 art. 77; Regulation 1182/71 art. 3). Publishes dsr.request.deadline-resumed.v1 (cause `information-received`).",
  })
  @ApiOkResponse({ type: ExtendedRequestDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Closed, or no information awaited (INVALID_TRANSITION).',
  })
  async receiveInformation(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: InformationReceivedDto,
    @IdempotencyKey() key?: string,
  ): Promise<ExtendedRequestDto> {
    return answer(res, await this.decisions.receiveInformation(principalOf(req), id, dto, key));
  }

  @Post(':id/refusal')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Refuse to act, with reasons (Art. 12(4))',
    description:
      'Before execution starts. The request closes with outcome `refused`; the subject is told the reasons, their right to complain to the supervisory authority (the CNIL) and to a judicial remedy (notice `request-refused`). Publishes dsr.request.refused.v1 and dsr.request.closed.v1.',
  })
  @ApiOkResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Closed, or execution already started (INVALID_TRANSITION).',
  })
  async refuse(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: RefusalDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.decisions.refuse(principalOf(req), id, dto, key));
  }

  @Post(':id/rejection')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Reject as manifestly unfounded or excessive (Art. 12(5))',
    description:
      'Before execution starts. The justification is recorded (the controller bears the burden of proof); the request closes with outcome `rejected` and the subject is told, with their right to complain to the CNIL (notice `request-rejected`). Publishes dsr.request.rejected.v1 and dsr.request.closed.v1.',
  })
  @ApiOkResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Closed, or execution already started (INVALID_TRANSITION).',
  })
  async reject(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: RejectionDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.decisions.reject(principalOf(req), id, dto, key));
  }

  @Post(':id/actions/:commandId/acknowledgement')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Record the controller's acknowledgement of a forwarded request",
    description:
      'For a processor system (Art. 28) the request was forwarded to its controller. Publishes dsr.action.acknowledgement-recorded.v1; the executor completes the action with outcome `forwarded`.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Not a forwarded action awaiting its acknowledgement (INVALID_TRANSITION), or already recorded.',
  })
  async acknowledge(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Param('commandId', uuid) commandId: string,
    @Body() dto: AcknowledgementDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.decisions.acknowledgeForward(principalOf(req), id, commandId, dto, key));
  }

  @Post(':id/restriction/lift')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Lift a restriction, telling the subject first (Art. 18(3))',
    description:
      'For a completed restriction request. The executor sends the subject a notice (`restriction-lifting`) and only then the lift commands to the systems (dsr.restriction.lift-notified.v1 comes before their dsr.action.dispatched.v1). A second call changes nothing. Publishes dsr.restriction.lift-requested.v1.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Not a restriction request, or not completed yet (INVALID_TRANSITION).',
  })
  async liftRestriction(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Body() dto: RestrictionLiftDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.decisions.liftRestriction(principalOf(req), id, dto, key));
  }

  @Post(':id/actions/:commandId/objection-decision')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Decide an objection to processing on legitimate interest (Art. 21(1))',
    description:
      'For a suppress action escalated to the DPO. `upheld`: the executor sends the system a suppress command and keeps the opt-out on its suppression list; `overridden`: the action is closed with the grounds as evidence. Publishes dsr.objection.decided.v1.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Not an escalated suppress action of an objection request (INVALID_TRANSITION).',
  })
  async decideObjection(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @Param('commandId', uuid) commandId: string,
    @Body() dto: ObjectionDecisionDto,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.decisions.decideObjection(principalOf(req), id, commandId, dto, key));
  }
}
