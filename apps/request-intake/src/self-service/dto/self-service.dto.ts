import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REQUEST_TYPES, type RequestType } from '@datarights/contracts';
import { REQUEST_STATUSES, type RequestStatus } from '../../requests/request-state';

export class SelfServiceFiledDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REQUEST_STATUSES, example: 'received' }) status: RequestStatus;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({
    format: 'date-time',
    description: 'receivedAt + one calendar month (Art. 12(3)); suspended while your proof of identity is awaited.',
  })
  dueAt: string;
  @ApiProperty({ description: 'What happens next (the same answer whether or not we hold data about you).' })
  next: string;
}

/**
 * What the requester may read about their own request, knowing its id (a random UUID given
 * only to them): where it stands, never what is held or about whom.
 */
export class SelfServiceStatusDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REQUEST_TYPES }) type: RequestType;
  @ApiProperty({ enum: REQUEST_STATUSES, example: 'awaiting-verification' }) status: RequestStatus;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Suspended while your proof of identity is awaited.' })
  dueAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) closedAt: string | null;
  @ApiPropertyOptional({
    enum: ['completed', 'no-data-held', 'rejected', 'unverified', 'refused'],
    description: 'How it ended, once closed (the reasons are in the notice sent to you).',
  })
  outcome?: string;
}
