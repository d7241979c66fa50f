/** HTTP: the Art. 30 register of processing activities (GDPR Art. 30), for the DPO and auditors. */
import { Controller, Get, HttpStatus, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AppError, ErrorCode, Roles } from '@datarights/service-kit';
import { SystemDto, SystemIdParamDto, SystemListDto } from './dto/system.dto';
import { InventoryService, type RegisteredSystem } from './inventory.service';

@ApiTags('systems')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid bearer token' })
@ApiForbiddenResponse({ description: 'The token has none of the roles dpo, operator, auditor' })
@Roles('dpo', 'operator', 'auditor')
@Controller('v1/systems')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  @ApiOperation({ summary: 'The register of processing activities: every registered system (Art. 30)' })
  @ApiOkResponse({ type: SystemListDto })
  async list(): Promise<SystemListDto> {
    return { items: (await this.inventory.list()).map(toDto) };
  }

  @Get(':systemId')
  @ApiOperation({ summary: 'One registered system' })
  @ApiOkResponse({ type: SystemDto })
  @ApiBadRequestResponse({ description: 'systemId is not a valid system id' })
  @ApiNotFoundResponse({ description: 'No system registered under this id' })
  async get(@Param() p: SystemIdParamDto): Promise<SystemDto> {
    const found = await this.inventory.get(p.systemId);
    if (!found) throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no system registered as ${p.systemId}`);
    return toDto(found);
  }
}

function toDto({ system: s, records }: RegisteredSystem): SystemDto {
  return {
    systemId: s.systemId,
    name: s.name,
    owner: s.owner,
    role: s.role,
    ...(s.controller ? { controller: s.controller } : {}),
    purposes: s.purposes,
    legalBasis: s.legalBasis,
    categories: s.categories,
    location: s.location,
    transfers: s.transfers,
    recipients: s.recipients,
    capabilities: s.capabilities,
    ...(s.source ? { source: s.source } : {}),
    ...(s.automatedDecisions ? { automatedDecisions: s.automatedDecisions } : {}),
    registeredAt: s.registeredAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    records,
  };
}
