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
        TypeOrmModule.forRootAsync({
          useFactory: () => serviceDataSourceOptions({ ...o, applicationName: o.service }),
        }),
        // Resolved when the app is created, so that a test run can set its own schema and group.
        MessagingModule.forRoot(() => ({
          service: o.service,
          schema: resolveSchema(o.schema),
          groupId: o.groupId || process.env.KAFKA_GROUP_ID,
          ...o.awaiting,
        })),
        TerminusModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: SERVICE_NAME, useValue: o.service }],
      exports: [SERVICE_NAME],
    };
  }
}
