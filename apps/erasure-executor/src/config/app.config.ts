/** The only place that reads process.env for erasure-executor: validated once at start-up. */
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { loadConfig } from '@datarights/service-kit';

export class ErasureExecutorConfig {
  @IsInt() @Min(1) @Max(65535)
  PORT: number = 3003;

  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional() @IsString()
  KAFKA_GROUP_ID?: string;
}

export const appConfig = (): ErasureExecutorConfig => loadConfig(ErasureExecutorConfig);
