import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_CLOCK_OFFSET_MS } from './clock';

export class ClockOffsetDto {
  @ApiProperty({ description: 'Milliseconds added to the system time (0: the real time).', example: 2_678_400_000 })
  @IsInt()
  @Min(-MAX_CLOCK_OFFSET_MS)
  @Max(MAX_CLOCK_OFFSET_MS)
  offsetMs: number;
}

export class ClockViewDto {
  @ApiProperty() offsetMs: number;
  @ApiProperty({ format: 'date-time' }) now: string;
}
