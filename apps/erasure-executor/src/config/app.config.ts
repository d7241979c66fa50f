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

  /** The policy file; default deploy/policy/default.fr.yaml, found from the working directory. */
  @IsOptional() @IsString()
  POLICY_FILE?: string;

  /** How often the timeout loop looks for commands past their respondBy. */
  @IsInt() @Min(50) @Max(60_000)
  ACTION_POLL_MS: number = 1000;
}

export const appConfig = (): ErasureExecutorConfig => loadConfig(ErasureExecutorConfig);
