/** Provides the validated configuration, the HMAC key and the signing keys to every module (read once, when the app is created). */
import { Global, Module } from '@nestjs/common';
import { appConfig, AuditConfig, pseudonymiserOf, signingOf } from './app.config';

export const HMAC_KEY = Symbol('HMAC_KEY');
export const SIGNING = Symbol('SIGNING');

@Global()
@Module({
  providers: [
    { provide: AuditConfig, useFactory: () => appConfig() },
    { provide: HMAC_KEY, useFactory: (config: AuditConfig) => pseudonymiserOf(config), inject: [AuditConfig] },
    { provide: SIGNING, useFactory: (config: AuditConfig) => signingOf(config), inject: [AuditConfig] },
  ],
  exports: [AuditConfig, HMAC_KEY, SIGNING],
})
export class ConfigModule {}
