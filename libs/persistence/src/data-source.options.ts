/** TypeORM options for one service: its own schema, migrations only, never `synchronize`. */
import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { assertSchemaName, type DatabaseSettings } from './database.config';
import { InboxEntry } from './entities/inbox-entry.entity';
import { OutboxMessage } from './entities/outbox-message.entity';
import { MessagingTables1732800000000 } from './migrations/1732800000000-messaging-tables';
import { OutboxRetries1796600000000 } from './migrations/1796600000000-outbox-retries';
import { AwaitingMessages1796700000000 } from './migrations/1796700000000-awaiting-messages';
import { InboxReceivedAt1796800000000 } from './migrations/1796800000000-inbox-received-at';

export interface ServiceDataSourceOptions {
  /** The schema in use (`resolveSchema`: DATABASE_SCHEMA wins over the service's own name). */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /** From `databaseSettingsFromEnv`, given the environment read at boot. */
  settings: DatabaseSettings;
  applicationName?: string;
}

export function serviceDataSourceOptions(o: ServiceDataSourceOptions): DataSourceOptions {
  const schema = assertSchemaName(o.schema);
  const settings = o.settings;
  return {
    type: 'postgres',
    url: settings.url,
    ssl: settings.ssl,
    schema,
    entities: [OutboxMessage, InboxEntry, ...(o.entities as never[])],
    // The shared outbox/inbox/awaiting migrations come first in every service's list.
    migrations: [
      MessagingTables1732800000000,
      OutboxRetries1796600000000,
      AwaitingMessages1796700000000,
      InboxReceivedAt1796800000000,
      ...o.migrations,
    ],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: settings.poolSize,
      // Unqualified names in migrations and raw SQL resolve to the service's own schema.
      options: `-c search_path=${schema}`,
      application_name: o.applicationName ?? schema,
    },
  };
}
