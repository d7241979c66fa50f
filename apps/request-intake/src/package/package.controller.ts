/**
 * `GET /v1/requests/:id/package`: the access or portability package (a zip), for the DPO
 * or the verified subject through a signed, expiring link (package-access.guard.ts);
 * `POST /v1/requests/:id/package/link`: a fresh link, for the DPO to send the subject.
 */
import { pipeline } from 'node:stream/promises';
import {
  Controller,
  Get,
  HttpCode,
  Logger,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles } from '@datarights/service-kit';
import { PackageAccessGuard } from './package-access.guard';
import type { PackageLink } from './package-link';
import { PackageService } from './package.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@ApiTags('packages')
@Controller('v1/requests')
export class PackageController {
  private readonly logger = new Logger(PackageController.name);

  constructor(private readonly packages: PackageService) {}

  @Get(':id/package')
  @Public()
  @UseGuards(PackageAccessGuard)
  @ApiBearerAuth()
  @ApiProduces('application/zip')
  @ApiQuery({ name: 'expires', required: false, description: 'Signed link: expiry (Unix seconds).' })
  @ApiQuery({ name: 'sig', required: false, description: 'Signed link: HMAC signature.' })
  @ApiOkResponse({
    description:
      'The package (zip): data.json, one CSV per category, processing.json and summary.md (Art. 15) or the portable data (Art. 20).',
  })
  @ApiForbiddenResponse({ description: 'Not the DPO, or a wrong signature.' })
  @ApiGoneResponse({ description: 'The link has expired, or the package was deleted.' })
  @ApiNotFoundResponse({ description: 'No package for this request (yet).' })
  async download(@Param('id', uuid) id: string, @Res() res: Response): Promise<void> {
    const { zip, filename } = await this.packages.download(id);
    res.setHeader('content-type', 'application/zip');
    res.setHeader('content-disposition', `attachment; filename="${filename}"`);
    res.setHeader('cache-control', 'no-store');
    res.status(HttpStatus.OK);
    // On a fault mid-stream the connection is cut (the client sees an incomplete download): the zip's status is already sent.
    await pipeline(zip, res).catch((err: Error) =>
      this.logger.warn(`request ${id}: package download cut short (${err.message})`),
    );
  }

  @Post(':id/package/link')
  @Roles('dpo')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'A signed download link for the subject: { path, expiresAt }.' })
  link(@Param('id', uuid) id: string): Promise<PackageLink> {
    return this.packages.link(id);
  }
}
