/**
 * The subject's side of identity verification (public: the subject has no DPO token; a
 * portal token is not needed to answer, the code is the proof). Strictly rate-limited per
 * client address (429), on top of the per-challenge attempt limit. A refused answer is the
 * same whether or not the subject is on file (ChallengeService.answer), and so is the answer
 * to a request for a new code (ChallengeService.resend).
 */
import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '@datarights/service-kit';
import { ChallengeService } from './challenge.service';
import { CodeAnswerDto, CodeSentDto, VerifiedDto } from './dto/verification.dto';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@ApiTags('self-service')
@Public()
@UseGuards(ThrottlerGuard)
@Controller('v1/self-service/requests')
export class VerificationController {
  constructor(private readonly challenges: ChallengeService) {}

  @Post(':id/verification')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Answer the identity challenge with the one-time code',
    description:
      'The code was sent to a contact already on file. Limited attempts; after them even the right code is refused and a new code must be asked for. Every refusal is the same 403.',
  })
  @ApiOkResponse({ type: VerifiedDto })
  @ApiForbiddenResponse({
    description:
      'The code does not verify the request, for whatever reason (wrong, attempts exhausted, expired, already used, request verified or closed, no challenge for this request): always the same answer, so that it cannot tell whether the subject is on file. Or, with the right code, a code alone not enough for this request type.',
  })
  @ApiTooManyRequestsResponse()
  answer(@Param('id', uuid) id: string, @Body() dto: CodeAnswerDto): Promise<VerifiedDto> {
    return this.challenges.answer(id, dto.code);
  }

  @Post(':id/verification/code')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a new code to the contact on file',
    description:
      'If the request is waiting for a code and the cooldown is over, a new code goes to the contact on file and the previous one stops working. The answer is the same 202 whatever happened (sent, cooldown, no more codes, verified, closed, no challenge, never filed), so that it cannot tell whether the subject is on file.',
  })
  @ApiAcceptedResponse({ type: CodeSentDto })
  @ApiTooManyRequestsResponse({ description: 'Too many calls from this client address.' })
  resend(@Param('id', uuid) id: string): Promise<CodeSentDto> {
    return this.challenges.resend(id);
  }
}
