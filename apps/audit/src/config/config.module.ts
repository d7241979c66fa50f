/** Provides the validated configuration and the HMAC key to every module (read once, when the app is created). */
import { Global, Module } from '@nestjs/common';
import { appConfig, AuditConfig, hmacKeyOf } from './app.config';

export const HMAC_KEY = Symbol('HMAC_KEY');

@Global()
@Module({
  providers: [
    { provide: AuditConfig, useFactory: () => appConfig() },
    { provide: HMAC_KEY, useFactory: (config: AuditConfig) => hmacKeyOf(config), inject: [AuditConfig] },
  ],
  exports: [AuditConfig, HMAC_KEY],
})
export class ConfigModule {}
