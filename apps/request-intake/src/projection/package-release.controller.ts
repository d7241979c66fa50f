/** The DPO's release of a package holding other people's data (GDPR Art. 15(4)); the logic is ProjectionService.release. */
import { Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { principalOf, Roles } from '@datarights/service-kit';
import { ApiRequestRouteErrors } from '../http/api-errors';
import { ErrorResponseDto } from '../http/error-response.dto';
import { AcceptedDto } from '../requests/dto/request-view.dto';
import { ApiDecisionIdempotencyKey, answer, IdempotencyKey } from '../requests/idempotency-key.decorator';
import { ProjectionService } from './projection.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@ApiTags('requests')
@ApiRequestRouteErrors('Not the DPO.')
@ApiDecisionIdempotencyKey()
@Roles('dpo')
@Controller('v1/requests')
export class PackageReleaseController {
  constructor(private readonly projection: ProjectionService) {}

  @Post(':id/package-release')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Release a package holding other people's data (Art. 15(4))",
    description:
      "An access or portability package holding records a system flagged as containing other people's data (`packageRelease` in the request's view) does not leave automatically: the DPO checks it, then releases it here. The request completes (dsr.request.closed.v1) and the subject is sent the package link.",
  })
  @ApiOkResponse({ type: AcceptedDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'No package waits for release (INVALID_TRANSITION), or Idempotency-Key reused with another call.',
  })
  async release(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('id', uuid) id: string,
    @IdempotencyKey() key?: string,
  ): Promise<AcceptedDto> {
    return answer(res, await this.projection.release(principalOf(req), id, key));
  }
}
