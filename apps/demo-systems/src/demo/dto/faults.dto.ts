/** The demo's fault-injection surface (tools/chaos): a system's connector stopped and started, and what each command did. */
import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { SYSTEM_IDS, type SystemId } from '../../systems/system-catalog';

export class SystemIdParamDto {
  @ApiProperty({ enum: SYSTEM_IDS, example: 'support' })
  @IsIn(SYSTEM_IDS)
  systemId: SystemId;
}

export class SystemEffectsDto {
  @ApiProperty({ enum: SYSTEM_IDS }) systemId: string;
  @ApiProperty({ description: 'Mutating commands (erase, restrict, rectify, suppress, notify) applied.' })
  commands: number;
  @ApiProperty({ description: 'Commands whose effect was applied more than once (must be 0).' })
  appliedMoreThanOnce: number;
  @ApiProperty({ description: 'Deliveries of an already applied command, answered from its record.' })
  redeliveries: number;
}

@ApiExtraModels(SystemEffectsDto)
export class CommandEffectsDto {
  @ApiProperty({ type: 'array', items: { $ref: getSchemaPath(SystemEffectsDto) } })
  systems: SystemEffectsDto[];
}
