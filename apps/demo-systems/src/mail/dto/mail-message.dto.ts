import { ApiProperty } from '@nestjs/swagger';

export class MailMessageDto {
  @ApiProperty({ format: 'uuid' }) notificationId: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ enum: ['email', 'sms', 'post'] }) channel: string;
  @ApiProperty({ description: 'The recipient address.' }) to: string;
  @ApiProperty({ example: 'identity-code' }) template: string;
  @ApiProperty({ example: 'fr-FR' }) locale: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the template is filled with (e.g. the one-time code).',
  })
  variables: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt: Date;
}

export class MailMessagesDto {
  @ApiProperty({ type: [MailMessageDto], description: 'Newest first.' })
  messages: MailMessageDto[];
}
