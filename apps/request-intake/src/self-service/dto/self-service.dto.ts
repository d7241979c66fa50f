import { ApiProperty } from '@nestjs/swagger';
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
