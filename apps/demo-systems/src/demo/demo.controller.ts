/**
 * The demo's own views, for the README walkthrough and the end-to-end tests. DEMO ONLY:
 * public routes (no token) over fake customers; a real company system exposes nothing
 * like this.
 */
import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@datarights/service-kit';
import { ConnectorViewDto, CustomerHoldingsDto, CustomersPageDto, DemoStatusDto } from './dto/customer.dto';
import { CustomerIdParamDto, CustomersQueryDto } from './dto/customers-query.dto';
import { CommandEffectsDto, SystemIdParamDto } from './dto/faults.dto';
import { DemoService } from './demo.service';

const DEMO_ONLY = 'Demo only: public, no token, fake customers.';

@ApiTags('demo (demo only)')
@Public()
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Get('customers')
  @ApiOperation({
    summary: 'A page of the generated customers, with the systems holding data about each now',
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: CustomersPageDto })
  customers(@Query() q: CustomersQueryDto): Promise<CustomersPageDto> {
    return this.demo.customers(q.limit ?? 10, q.offset ?? 0);
  }

  @Get('customers/:customerId')
  @ApiOperation({
    summary: 'Every row each system holds about one generated customer (watch an erasure happen)',
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: CustomerHoldingsDto })
  @ApiNotFoundResponse({ description: 'Not a generated customer.' })
  customer(@Param() p: CustomerIdParamDto): Promise<CustomerHoldingsDto> {
    return this.demo.customer(p.customerId);
  }

  @Get('effects')
  @ApiOperation({
    summary: 'Per system, the mutating commands applied and any applied more than once (must be none)',
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: CommandEffectsDto })
  effects(): Promise<CommandEffectsDto> {
    return this.demo.effects();
  }

  @Post('systems/:systemId/stop')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Stops one system's connector: its commands wait on its topic (fault injection; not in production)",
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: ConnectorViewDto })
  stopSystem(@Param() p: SystemIdParamDto): Promise<ConnectorViewDto> {
    return this.demo.pause(p.systemId);
  }

  @Post('systems/:systemId/start')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Starts a stopped system's connector again (fault injection; not in production)",
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: ConnectorViewDto })
  startSystem(@Param() p: SystemIdParamDto): Promise<ConnectorViewDto> {
    return this.demo.resume(p.systemId);
  }

  @Get('status')
  @ApiOperation({
    summary: 'Seeding and announcing progress, and the state of the four connectors',
    description: DEMO_ONLY,
  })
  @ApiOkResponse({ type: DemoStatusDto })
  status(): DemoStatusDto {
    return this.demo.status();
  }
}
