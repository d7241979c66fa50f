/**
 * request-intake: requests, their state machine and deadlines (docs/architecture.md). The HTTP API
 * faces the DPO and operators (bearer token, roles); POST routes are rate-limited.
 */
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AuthGuard, ClockModule, ServiceKitModule, throttlerStorage } from '@datarights/service-kit';
import { appConfig } from './config/app.config';
import { ConfigModule } from './config/config.module';
import { DeadlinesModule } from './deadlines/deadlines.module';

import { PostThrottlerGuard, postThrottlerOptions } from './http/post-throttler.guard';
import { MetricsModule } from './metrics/metrics.module';
import { MinimisationModule } from './minimisation/minimisation.module';
import { PackageModule } from './package/package.module';
import { MIGRATIONS } from './migrations';
import { ProjectionModule } from './projection/projection.module';
import { REQUEST_ENTITIES } from './requests/entities';
import { RecipientsModule } from './recipients/recipients.module';
import { RequestsModule } from './requests/requests.module';
import { SelfServiceModule } from './self-service/self-service.module';

export const SERVICE = 'request-intake';
export const SCHEMA = 'request_intake';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: REQUEST_ENTITIES, migrations: MIGRATIONS }),
    ConfigModule,
    ClockModule,
    // Read when the app is created, so that a test can set its own limit.
    // The counters in PostgreSQL by default: every replica shares one budget (RATE_LIMIT_STORE).
    ThrottlerModule.forRootAsync({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => {
        const config = appConfig();
        return {
          ...postThrottlerOptions(config.RATE_LIMIT_POST_PER_MINUTE),
          storage: throttlerStorage(config.RATE_LIMIT_STORE, dataSource),
        };
      },
    }),
    RequestsModule,
    ProjectionModule,
    MetricsModule,
    DeadlinesModule,
    MinimisationModule,
    PackageModule,
    SelfServiceModule,
    RecipientsModule,
  ],
  providers: [
    // Order matters: authenticate first (service-kit's AuthGuard; probes and /metrics open), then count the token's POSTs.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: PostThrottlerGuard },
  ],
})
export class AppModule {}
