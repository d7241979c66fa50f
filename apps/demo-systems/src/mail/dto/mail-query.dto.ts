import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

/** Filters of the demo mailbox (all optional, combined with AND). */
export class MailQueryDto {
  @ApiPropertyOptional({
    description: 'Recipient address (case-insensitive, exact match).',
    example: 'camille.martin.1@example.test',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  to?: string;

  @ApiPropertyOptional({ description: 'The request the notification is about.', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  requestId?: string;

  @ApiPropertyOptional({
    description: 'Template name, e.g. identity-code, request-completed.',
    example: 'identity-code',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,62}$/)
  template?: string;

  @ApiPropertyOptional({ description: 'How many messages, newest first.', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
