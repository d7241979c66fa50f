/**
 * HTTP: the Art. 30 register of processing activities (GDPR Art. 30), for the DPO and
 * auditors, with the registrations waiting for the DPO; the DPO approves or rejects them
 * (Art. 28, 5(1)(f), 32: a registration that redirects personal data takes effect only then).
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError, ErrorCode, principalOf, Roles } from '@datarights/service-kit';
import {
  RegistrationDto,
  RegistrationIdParamDto,
  RegistrationRejectionDto,
  SystemDto,
  SystemIdParamDto,
  SystemListDto,
} from './dto/system.dto';
import type { HeldRegistration } from './inventory.repository';
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
    const [systems, pending] = await Promise.all([this.inventory.list(), this.inventory.pending()]);
    return { items: systems.map(toDto), pending: pending.map(toRegistrationDto) };
  }

  @Post(':systemId/registrations/:registrationId/approval')
  @Roles('dpo')
  @ApiForbiddenResponse({ description: 'The token does not have the dpo role: only the DPO decides' })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Approve a registration waiting for the DPO (Art. 28, 30, 32)',
    description:
      'The registration takes effect: the register shows it, and dsr.system.approved.v1 tells the other services (the audit log records the decision). Approving it again answers the same.',
  })
  @ApiOkResponse({ type: RegistrationDto })
  @ApiBadRequestResponse({ description: 'systemId or registrationId malformed' })
  @ApiNotFoundResponse({ description: 'No such registration of this system' })
  @ApiConflictResponse({ description: 'The registration no longer waits: rejected, or superseded by a newer one' })
  async approve(@Req() req: Request, @Param() p: RegistrationIdParamDto): Promise<RegistrationDto> {
    return toRegistrationDto(await this.inventory.approve(principalOf(req), p.systemId, p.registrationId));
  }

  @Post(':systemId/registrations/:registrationId/rejection')
  @Roles('dpo')
  @ApiForbiddenResponse({ description: 'The token does not have the dpo role: only the DPO decides' })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Reject a registration waiting for the DPO',
    description:
      'The registration in force stays (dsr.system.registration-rejected.v1, recorded by the audit log). Rejecting it again answers the same.',
  })
  @ApiOkResponse({ type: RegistrationDto })
  @ApiBadRequestResponse({ description: 'systemId or registrationId malformed, or no reason' })
  @ApiNotFoundResponse({ description: 'No such registration of this system' })
  @ApiConflictResponse({ description: 'The registration no longer waits: approved, or superseded by a newer one' })
  async reject(
    @Req() req: Request,
    @Param() p: RegistrationIdParamDto,
    @Body() body: RegistrationRejectionDto,
  ): Promise<RegistrationDto> {
    return toRegistrationDto(await this.inventory.reject(principalOf(req), p.systemId, p.registrationId, body.reason));
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

function toRegistrationDto(h: HeldRegistration): RegistrationDto {
  const r = h.registration;
  return {
    registrationId: h.registrationId,
    systemId: h.systemId,
    status: h.status,
    changes: h.changes,
    name: r.name,
    owner: r.owner,
    role: r.role,
    ...(r.controller ? { controller: r.controller } : {}),
    ...(r.controllerContact ? { controllerContact: r.controllerContact } : {}),
    categories: r.categories,
    capabilities: r.capabilities,
    recipients: r.recipients,
    registeredAt: h.registeredAt.toISOString(),
    receivedAt: h.receivedAt.toISOString(),
    ...(h.decidedBy ? { decidedBy: h.decidedBy } : {}),
    ...(h.decidedAt ? { decidedAt: h.decidedAt.toISOString() } : {}),
    ...(h.reason ? { reason: h.reason } : {}),
  };
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
