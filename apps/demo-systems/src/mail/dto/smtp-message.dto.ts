import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** An e-mail as the development SMTP sink received it from the mail gateway. */
export class SmtpMessageDto {
  @ApiPropertyOptional({ description: 'The Message-ID header.' }) messageId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'X-Datarights-Notification-Id.' }) notificationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'X-Datarights-Request-Id.' }) requestId?: string;
  @ApiPropertyOptional({ example: 'identity-code', description: 'X-Datarights-Template.' }) template?: string;
  @ApiProperty({ description: 'The envelope sender (MAIL FROM).' }) from: string;
  @ApiProperty({ type: [String], description: 'The envelope recipients (RCPT TO).' }) to: string[];
  @ApiPropertyOptional() subject?: string;
  @ApiProperty({ description: 'The plain-text body.' }) text: string;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt: Date;
}

export class SmtpMessagesDto {
  @ApiProperty({ type: [SmtpMessageDto], description: 'Newest first.' })
  messages: SmtpMessageDto[];
}
