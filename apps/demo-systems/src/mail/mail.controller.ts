/**
 * The demo mailbox over HTTP. DEMO ONLY: these routes are public (no token) so that a
 * person trying the one-command demo can read the identity codes and notices the
 * services send; a real deployment's mail gateway sends to the company's mail relay instead of this sink.
 */
import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@datarights/service-kit';
import { MailMessagesDto } from './dto/mail-message.dto';
import { MailQueryDto } from './dto/mail-query.dto';
import { SmtpMessagesDto } from './dto/smtp-message.dto';
import { renderMailPage } from './mail-page';
import { MailService } from './mail.service';

const DEMO_ONLY = 'Demo only: public, no token. A real deployment has a mail gateway instead of this sink.';

@ApiTags('mail (demo only)')
@Public()
@Controller('mail')
export class MailController {
  constructor(private readonly mail: MailService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The demo mailbox as an HTML page, newest first', description: DEMO_ONLY })
  @ApiOkResponse({ description: 'An HTML page listing the messages.' })
  async page(@Query() query: MailQueryDto): Promise<string> {
    const filter = { ...query, limit: query.limit ?? 100 };
    return renderMailPage(await this.mail.list(filter), await this.mail.delivered(filter));
  }

  @Get('messages')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The notifications received, newest first, optionally filtered', description: DEMO_ONLY })
  @ApiOkResponse({ type: MailMessagesDto })
  async messages(@Query() query: MailQueryDto): Promise<MailMessagesDto> {
    return { messages: await this.mail.list({ ...query, limit: query.limit ?? 50 }) };
  }

  @Get('smtp')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The e-mails the mail gateway delivered to the development SMTP sink, newest first, optionally filtered',
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: SmtpMessagesDto })
  async smtp(@Query() query: MailQueryDto): Promise<SmtpMessagesDto> {
    return { messages: await this.mail.delivered({ ...query, limit: query.limit ?? 50 }) };
  }
}
