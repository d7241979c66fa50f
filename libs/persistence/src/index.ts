/**
 * @datarights/persistence — TypeORM per service: its own schema, migrations run at
 * start-up under a lock, and the outbox/inbox entities the messaging lib uses.
 */
export * from './database.config';
export * from './data-source.options';
export * from './migrations.runner';
export * from './entities/outbox-message.entity';
export * from './entities/inbox-entry.entity';
export * from './migrations/1732800000000-messaging-tables';
export * from './migrations/1796600000000-outbox-retries';
export * from './migrations/1796700000000-awaiting-messages';
export * from './migrations/1796800000000-inbox-received-at';
