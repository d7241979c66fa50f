/**
 * What every service has: structured logs with redaction, PostgreSQL via TypeORM in its own
 * schema, the messaging module, health and metrics endpoints.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, type MessagingOptions } from '@datarights/messaging';
import { resolveSchema, serviceDataSourceOptions, type ServiceDataSourceOptions } from '@datarights/persistence';
import { HealthController } from './health.controller';
import { serviceLoggerModule } from './logger.module';
import { initMetrics, MetricsController } from './metrics.controller';
import { RuntimeConfig } from './runtime.config';

export interface ServiceKitOptions extends Omit<ServiceDataSourceOptions, 'settings'> {
  service: string;
  /** Override the consumer group (tests). */
  groupId?: string;
  /** Override how messages set aside are looked at again (tests). */
  awaiting?: Pick<MessagingOptions, 'awaitFirstLookMs' | 'awaitPollMs'>;
}

export const SERVICE_NAME = Symbol('SERVICE_NAME');

@Module({})
export class ServiceKitModule {
  static forRoot(o: ServiceKitOptions): DynamicModule {
    initMetrics(o.service);
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        serviceLoggerModule(o.service),
        // From the runtime config (read from the environment once, at boot), so that a test
        // run can set its own schema and group.
        TypeOrmModule.forRootAsync({
          inject: [RuntimeConfig],
          useFactory: (c: RuntimeConfig) =>
            serviceDataSourceOptions({
              ...o,
              schema: resolveSchema(o.schema, c),
              settings: c.database,
              applicationName: o.service,
            }),
        }),
        MessagingModule.forRoot({
          service: o.service,
          inject: [RuntimeConfig],
          options: (c: RuntimeConfig) => ({
            service: o.service,
            schema: resolveSchema(o.schema, c),
            groupId: o.groupId || c.KAFKA_GROUP_ID,
            ...o.awaiting,
          }),
          kafka: (c: RuntimeConfig) => c.kafka,
        }),
        TerminusModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: SERVICE_NAME, useValue: o.service }],
      exports: [SERVICE_NAME],
    };
  }
}
