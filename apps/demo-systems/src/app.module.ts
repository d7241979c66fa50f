/**
 * demo-systems: four reference company systems (CRM, billing, support, marketing) built
 * on the connector SDK, each with its own tables of fake customers, and a mail sink. For
 * the one-command demo and the end-to-end tests; not part of the DSR platform itself.
 */
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, ServiceKitModule } from '@datarights/service-kit';
import { ConfigModule } from './config/config.module';
import { DemoModule } from './demo/demo.module';
import { MailModule } from './mail/mail.module';
import { MIGRATIONS } from './migrations';
import { SeedModule } from './seed/seed.module';
import { SystemsModule } from './systems/systems.module';

export const SERVICE = 'demo-systems';
export const SCHEMA = 'demo_systems';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: MIGRATIONS }),
    ConfigModule,
    SystemsModule,
    SeedModule,
    MailModule,
    DemoModule,
  ],
  // Secure by default: a route added here without @Public() needs a token. Every route of
  // the demo itself is @Public() on purpose (demo only, fake customers).
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
