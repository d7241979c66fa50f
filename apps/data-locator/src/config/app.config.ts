/** The only place that reads process.env for data-locator: validated once at start-up. */
import { IsInt, Matches, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { loadConfig, ServiceConfig, RequiredInProduction } from '@datarights/service-kit';

export class DataLocatorConfig extends ServiceConfig {
  override PORT = 3002;

  /** The policy file (the law as configuration): the `commands` timing and, per category, access/portability. */
  @IsOptional()
  @IsString()
  POLICY_FILE?: string;

  /** Language of the package's summary for the subject (BCP 47; French by default, English available). */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  NOTICE_LOCALE: string = 'fr-FR';

  /**
   * How long a verified request waits for the index to read the data events that existed
   * when it was verified, before its plan is built anyway (0: no wait). A plan built on a
   * lagging index would leave out a system that has just arrived.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  PLAN_INDEX_WAIT_MS: number = 60_000;

  /** How often export commands past their time are re-sent or escalated. */
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  EXPORT_POLL_MS: number = 1000;

  /** How often the purge looks for records past their periods (issue 14; the policy's `purge.categories`). */
  @IsInt()
  @Min(10)
  PURGE_POLL_MS: number = 3_600_000;

  /** Most records the purge asks to erase per run (again at once while runs come back full). */
  @IsInt()
  @Min(1)
  PURGE_BATCH: number = 100;

  /** A record the purge asked to erase and that is still indexed is asked again after this. */
  @IsInt()
  @Min(1000)
  PURGE_RESEND_MS: number = 86_400_000;

  /** How often the package sender looks for a package to assemble, or else the next part to send (one part in the outbox at a time). */
  @IsInt()
  @Min(10)
  @Max(60_000)
  PACKAGE_SEND_POLL_MS: number = 200;

  /**
   * Key of the packages' encryption at rest (chunked AES-256-GCM, docs/architecture.md; request-intake holds the same).
   * Required in production; elsewhere a development default is used, with a warning. Never logged.
   */
  @RequiredInProduction('the key of the packages at rest')
  @IsString()
  @MinLength(32, { message: 'PACKAGE_ENCRYPTION_KEY must be at least 32 characters' })
  PACKAGE_ENCRYPTION_KEY?: string;

  /** The controller named in the access package (Art. 15, 13(1)(a)). */
  @IsString()
  PACKAGE_CONTROLLER: string = 'datarights demo hosting company';
}

export const appConfig = (): DataLocatorConfig => loadConfig(DataLocatorConfig, process.env);
