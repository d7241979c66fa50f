/** HTTP (thin): a request's evidence and the verification of the chain, for the DPO and auditors. */
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Roles } from '@datarights/service-kit';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { ChainVerificationDto, CheckpointDto, RequestEvidenceDto } from './dto/evidence.dto';
import { EvidenceService } from './evidence.service';

@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or an invalid bearer token.' })
@ApiForbiddenResponse({ description: 'The token has neither the dpo nor the auditor role.' })
@Roles('dpo', 'auditor')
@Controller('v1/audit')
export class EvidenceController {
  constructor(
    private readonly evidence: EvidenceService,
    private readonly checkpoints: CheckpointService,
  ) {}

  @Get('requests/:id')
  @ApiOperation({
    summary:
      "A request's audit entries, in order (no personal data: subjects appear only as keyed hashes, which are not returned).",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The request id.' })
  @ApiOkResponse({ type: RequestEvidenceDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID.' })
  @ApiNotFoundResponse({ description: 'No audit entry names this request.' })
  async request(@Param('id', new ParseUUIDPipe()) id: string): Promise<RequestEvidenceDto> {
    const { requestId, entries } = await this.evidence.requestEvidence(id.toLowerCase());
    return {
      requestId,
      entries: entries.map((e) => ({
        seq: e.seq,
        eventId: e.eventId,
        type: e.type,
        source: e.source,
        occurredAt: e.occurredAt,
        payload: e.payload,
        hash: e.hash,
      })),
    };
  }

  @Get('verify')
  @ApiOperation({
    summary:
      "Recomputes every link of the hash chain, checks every entry's signature and the log against the latest signed checkpoint; returns the head and names the first broken entry.",
  })
  @ApiOkResponse({ type: ChainVerificationDto })
  async verify(): Promise<ChainVerificationDto> {
    return this.evidence.verifyChain();
  }

  @Post('checkpoints')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Signs a checkpoint of the log now (entry count, head hash, time) and publishes it (Kafka, checkpoint files), as the periodic job does.',
  })
  @ApiCreatedResponse({ type: CheckpointDto })
  async checkpoint(): Promise<CheckpointDto> {
    return (await this.checkpoints.checkpoint(true))!;
  }
}
