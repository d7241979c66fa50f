/**
 * `POST /v1/requests/bulk` (thin): the DPO files a list of requests at once, as CSV or
 * NDJSON; each line is checked and filed as `POST /v1/requests` would file it, and answered
 * on its own. One call: the per-client POST limit counts it once, whatever its lines.
 */
import { Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiBadRequestResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { text, type Request, type Response } from 'express';
import { AppError, ErrorCode, principalOf, Roles } from '@datarights/service-kit';
import { ApiTokenErrors } from '../http/api-errors';
import { ErrorResponseDto } from '../http/error-response.dto';
import { BULK_FORMATS, bulkFormat, checkLine, listKeyOf, readBulkBody } from './bulk-filing';
import { BulkFilingConfig } from './bulk-filing.config';
import { BulkFilingService } from './bulk-filing.service';
import { BulkFilingResultDto } from './dto/bulk-filing.dto';
import { ApiIdempotencyKey, IdempotencyKey } from './idempotency-key.decorator';

const CSV_EXAMPLE = [
  'type,subject.email,subject.customerId,channel,receivedAt,receiptEvidence,idempotencyKey',
  'erasure,jeanne.martin@example.fr,C-1042,email,2026-12-01T09:12:00Z,breach notice reply #17,breach-2026-12/17',
  'objection,paul@example.fr,,email,,,',
].join('\n');

@ApiTags('requests')
@ApiTokenErrors('Not the DPO.')
@Roles('dpo')
@Controller('v1/requests')
export class BulkFilingController {
  constructor(
    private readonly bulk: BulkFilingService,
    private readonly config: BulkFilingConfig,
  ) {}

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'File many requests at once (CSV or NDJSON), with a result per line',
    description:
      "For a list received at once (replies to a breach notice, a marketing vendor's opt-outs). `text/csv`: a header row naming the fields of `POST /v1/requests` — nested ones dotted (`subject.email`, `subject.customerId`, `subject.phone`, `subject.name`, `representative.mandateReference`, `changes.<field>`), `purposes` separated by `|` —, an empty cell for a field not given. `application/x-ndjson`: one JSON object per line, the body of `POST /v1/requests`. Each line is checked by the rules of `POST /v1/requests` and becomes its own request with its own due date (Art. 12(3): one month from its `receivedAt`, or from now) and its own dsr.request.submitted.v1. Each line is filed under an Idempotency-Key: its own `idempotencyKey` field if it has one, else `<the list's Idempotency-Key>:<line>`, else `bulk-sha256:<SHA-256 of the body>:<line>` — so posting the same list again files nothing twice (`duplicate`). Past BULK_MAX_LINES lines or BULK_MAX_BYTES bytes: 413, nothing filed. Counted once by the per-client POST limit.",
  })
  @ApiConsumes(...Object.keys(BULK_FORMATS))
  @ApiBody({
    description: 'CSV with a header row, or NDJSON (one JSON object per line).',
    schema: { type: 'string', example: CSV_EXAMPLE },
  })
  @ApiIdempotencyKey(
    "The list's key: a line without its own `idempotencyKey` is filed under `<this key>:<line>`. Without it, the key of a line derives from the SHA-256 of the body.",
  )
  @ApiOkResponse({ type: BulkFilingResultDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A body that cannot be read: no line, a CSV quote left open, a header naming a column twice.',
  })
  @ApiPayloadTooLargeResponse({
    type: ErrorResponseDto,
    description: 'Over BULK_MAX_LINES lines or BULK_MAX_BYTES bytes.',
  })
  @ApiUnsupportedMediaTypeResponse({
    type: ErrorResponseDto,
    description: 'Neither text/csv nor application/x-ndjson.',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async fileMany(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @IdempotencyKey() key?: string,
  ): Promise<BulkFilingResultDto> {
    const format = bulkFormat(req.headers['content-type']);
    if (!format)
      throw new AppError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ErrorCode.ValidationFailed,
        `Content-Type must be one of ${Object.keys(BULK_FORMATS).join(', ')}`,
      );
    const body = await this.readText(req, res);
    const lines = readBulkBody(format, body);
    if (lines.length > this.config.BULK_MAX_LINES)
      throw new AppError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        ErrorCode.PayloadTooLarge,
        `the list holds ${lines.length} lines, more than the ${this.config.BULK_MAX_LINES} one call may file (BULK_MAX_LINES): split it`,
      );
    const listKey = listKeyOf(key, body);
    return this.bulk.file(
      principalOf(req),
      lines.map((l) => checkLine(l, listKey)),
    );
  }

  /** The body as text (UTF-8 unless the charset says otherwise), 413 past BULK_MAX_BYTES. */
  private readText(req: Request, res: Response): Promise<string> {
    const limit = this.config.BULK_MAX_BYTES;
    const parse = text({ type: Object.keys(BULK_FORMATS), limit, defaultCharset: 'utf-8' });
    return new Promise((resolve, reject) =>
      parse(req, res, (err?: unknown) => {
        if ((err as { type?: string } | undefined)?.type === 'entity.too.large')
          reject(
            new AppError(
              HttpStatus.PAYLOAD_TOO_LARGE,
              ErrorCode.PayloadTooLarge,
              `the body is larger than the ${limit} bytes one call may hold (BULK_MAX_BYTES): split the list`,
            ),
          );
        else if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(typeof req.body === 'string' ? req.body : '');
      }),
    );
  }
}
