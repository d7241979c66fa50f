/**
 * The only place that reads process.env for mail-gateway: validated once at start-up.
 *
 * SMTP: SMTP_URL (`smtp://host:587`, or `smtps://host:465` for implicit TLS), with
 * SMTP_USER / SMTP_PASSWORD from a Secret in production. Outside production it defaults
 * to the development SMTP sink of the demo systems (127.0.0.1:2525).
 */
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ConfigError, loadConfig, ServiceConfig } from '@datarights/service-kit';

export class MailGatewayConfig extends ServiceConfig {
  override PORT = 3005;

  @Matches(/^smtps?:\/\/[^/@\s]+(:\d+)?\/?$/, {
    message: 'SMTP_URL must be smtp://host[:port] or smtps://host[:port], without credentials',
  })
  @IsOptional()
  SMTP_URL?: string;

  @IsString()
  @IsOptional()
  SMTP_USER?: string;

  @IsString()
  @IsOptional()
  SMTP_PASSWORD?: string;

  /** On smtp:// (not smtps://): `required` refuses to send unless the server offers STARTTLS. */
  @IsIn(['required', 'opportunistic'])
  SMTP_STARTTLS: 'required' | 'opportunistic' = 'required';

  /** The sender of every notice, e.g. `"DPO Example" <dpo@example.com>`. */
  @IsString()
  MAIL_FROM: string = 'datarights <no-reply@localhost>';

  /** Where the subject replies (usually the DPO's mailbox); none when unset. */
  @IsString()
  @IsOptional()
  MAIL_REPLY_TO?: string;

  /** The public base URL that relative links of a notice (package downloads) are joined to. */
  @Matches(/^https?:\/\/\S+$/)
  MAIL_LINK_BASE_URL: string = 'http://127.0.0.1:3000';

  /** Sends tried per attempt of the handler when the SMTP server fails temporarily (4xx, connection). */
  @IsInt()
  @Min(1)
  @Max(10)
  MAIL_SEND_ATTEMPTS: number = 4;

  /** The first wait between two of those sends; doubles each time. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  MAIL_RETRY_BACKOFF_MS: number = 2_000;
}

export const DEV_SMTP_URL = 'smtp://127.0.0.1:2525';

export const appConfig = (env: NodeJS.ProcessEnv = process.env): MailGatewayConfig => {
  const config = loadConfig(MailGatewayConfig, env);
  if (!config.SMTP_URL) {
    if (config.NODE_ENV === 'production')
      throw new ConfigError('invalid configuration: SMTP_URL is required in production');
    config.SMTP_URL = DEV_SMTP_URL;
    config.SMTP_STARTTLS = 'opportunistic';
  }
  return config;
};
