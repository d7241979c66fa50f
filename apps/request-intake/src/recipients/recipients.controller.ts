/**
 * HTTP routes of a request's recipients (GDPR Art. 19), thin: the DPO and operators read
 * who was told and what they answered; the DPO records an acknowledgement obtained by
 * other means and sends the subject the list of recipients.
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRequestRouteErrors } from '../http/api-errors';
import type { Request } from 'express';
import { principalOf, Roles } from '@datarights/service-kit';
import { AcknowledgementDto } from '../requests/dto/decisions.dto';
import { ErrorResponseDto } from '../http/error-response.dto';
import { AcceptedDto } from '../requests/dto/request-view.dto';
import { RecipientListDto, SubjectInformedDto } from '../requests/dto/recipients.dto';
import { RecipientsService } from './recipients.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@ApiTags('requests')
@ApiRequestRouteErrors('The token lacks the role.')
@Controller('v1/requests/:id/recipients')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get()
  @Roles('dpo', 'operator')
  @ApiOperation({
    summary: 'The recipients told of this request (Art. 19)',
    description:
      'Each recipient of a system that rectified, erased or restricted the data: the notice sent on its command topic, reminders, its acknowledgement or refusal, or why it could not be told.',
  })
  @ApiOkResponse({ type: RecipientListDto })
  list(@Param('id', uuid) id: string): Promise<RecipientListDto> {
    return this.recipients.list(id);
  }

  @Post(':noticeId/acknowledgement')
  @Roles('dpo')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Record a recipient's acknowledgement obtained by other means",
    description:
      'For a recipient without a command topic (told by mail) or one that answered after its reminders. Publishes dsr.recipient.acknowledgement-recorded.v1; the executor records it (dsr.recipient.acknowledged.v1, outcome `recorded`).',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Already acknowledged or declined, or an acknowledgement already recorded.',
  })
  acknowledge(
    @Req() req: Request,
    @Param('id', uuid) id: string,
    @Param('noticeId', uuid) noticeId: string,
    @Body() dto: AcknowledgementDto,
  ): Promise<AcceptedDto> {
    return this.recipients.recordAcknowledgement(principalOf(req), id, noticeId, dto);
  }

  @Post('subject-notice')
  @Roles('dpo')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send the subject the list of recipients (Art. 19, last sentence)',
    description:
      'When the subject asks who received their data: a `recipients-list` notice to the contact on file, with each recipient once (name, kind, country, categories, what it was told).',
  })
  @ApiAcceptedResponse({ type: SubjectInformedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: "The request's identifiers were minimised: no contact to write to.",
  })
  informSubject(@Req() req: Request, @Param('id', uuid) id: string): Promise<SubjectInformedDto> {
    return this.recipients.informSubject(principalOf(req), id);
  }
}
