/** The only place that reads process.env for identity: validated once at start-up. */
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { loadConfig } from '@datarights/service-kit';

export class IdentityConfig {
  @IsInt() @Min(1) @Max(65535)
  PORT: number = 3001;

  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional() @IsString()
  KAFKA_GROUP_ID?: string;
}

export const appConfig = (): IdentityConfig => loadConfig(IdentityConfig);
