/** The query of `GET /v1/requests`: filters and a page. */
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { CHANNELS, REQUEST_TYPES, type Channel, type RequestType } from '@datarights/contracts';
import { REQUEST_STATUSES, type RequestStatus } from '../request-state';

export const MAX_PAGE = 100;

export class ListRequestsQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({ enum: REQUEST_TYPES })
  @IsOptional()
  @IsIn(REQUEST_TYPES)
  type?: RequestType;

  @ApiPropertyOptional({ enum: CHANNELS, description: 'How the request was received.' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Overdue: not closed and past its due date (Art. 12(3)).',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      "Due soon: not closed, not overdue, and due within the policy's deadlines.dueSoonWithin (default P3D).",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  dueSoon?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'date-time', description: 'Only requests due before this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueBefore?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}
