/** What the DPO sees of a request's Art. 19 recipients, and what the subject may be given. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  NOTICE_ACTIONS,
  RECIPIENT_KINDS,
  RECIPIENT_NOTICE_STATUSES,
  type RecipientNoticeStatus,
} from '@datarights/contracts';

export class RecipientNoticeDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The notice (the commandId of the pdata.command.notify.v1 sent, or that could not be sent).',
  })
  noticeId: string;

  @ApiProperty({ example: 'HelpScale Inc. (helpdesk software)' }) name: string;
  @ApiProperty({ enum: RECIPIENT_KINDS }) kind: string;
  @ApiProperty({
    example: 'US',
    description: 'ISO 3166-1 alpha-2; outside the EU the transfer safeguard is in the inventory (Art. 46).',
  })
  country: string;
  @ApiPropertyOptional({ description: 'Its command topic is pdata.commands.<systemId>.v1; absent when it has none.' })
  systemId?: string;
  @ApiProperty({ description: 'The system of ours that disclosed the data to it.' }) fromSystemId: string;
  @ApiProperty({ enum: NOTICE_ACTIONS }) action: string;
  @ApiProperty({ type: [String] }) categories: string[];

  @ApiProperty({
    enum: RECIPIENT_NOTICE_STATUSES,
    description:
      '`awaiting-acknowledgement`; `acknowledged` (by the recipient, or recorded by the DPO); `declined` (it says it cannot, see reason); `unacknowledged` (no answer after every reminder); `not-notified` (it cannot be told through the system, see reason).',
  })
  status: RecipientNoticeStatus;

  @ApiProperty({ description: 'Reminders sent so far.' }) reminders: number;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the acknowledgement of the notice (or of the last reminder) is due.',
  })
  respondBy: string | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, description: '`recipient`, or the DPO who recorded it.' }) acknowledgedBy:
    string | null;
  @ApiProperty({ format: 'date-time' }) notifiedAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RecipientListDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ type: [RecipientNoticeDto] }) recipients: RecipientNoticeDto[];
}

export class SubjectInformedDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ format: 'uuid' }) notificationId: string;
  @ApiProperty({ description: 'How many recipients the notice lists.' }) recipients: number;
}
