/**
 * `PUT /internal/clock` `{ "offsetMs": n }`: moves this service's clock by n milliseconds
 * (and `GET` reads it), for tests and demos of deadlines, legal holds and proof periods.
 * Outside production only: in production the route does not exist (bootstrap registers it
 * from the runtime config), and the offset stays 0. DPO token required (the guard is set here, so that a service
 * with no other HTTP API needs no app-wide guard for it).
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController } from '@nestjs/swagger';
import { AuthGuard, Roles } from '../auth.guard';
import { Clock } from './clock';
import { ClockOffsetDto, ClockViewDto } from './clock.dto';

@ApiExcludeController()
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Roles('dpo')
@Controller('internal/clock')
export class ClockController {
  constructor(private readonly clock: Clock) {}

  @Get()
  get(): ClockViewDto {
    return this.view();
  }

  @Put()
  @HttpCode(HttpStatus.OK)
  set(@Body() dto: ClockOffsetDto): ClockViewDto {
    this.clock.setOffset(dto.offsetMs);
    return this.view();
  }

  private view(): ClockViewDto {
    return { offsetMs: this.clock.offset, now: this.clock.now().toISOString() };
  }
}
