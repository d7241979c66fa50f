/**
 * @datarights/contracts — the single source of every event: envelope, topics, payload
 * classes with their validation rules, and the registry the generated JSON Schemas and
 * AsyncAPI document come from.
 */
// class-transformer's @Type reads the design-time types the payload classes' decorators
// emit: the Reflect metadata API must be there before any of them is defined (a program
// using the contracts or the connector SDK on its own has no framework that loads it).
import 'reflect-metadata';
export * from './envelope';
export * from './topics';
export * from './common/primitives';
export * from './common/subject-keys';
export * from './common/validation';
export * from './events/pdata-systems';
export * from './events/pdata-records';
export * from './events/pdata-commands';
export * from './events/pdata-replies';
export * from './events/notifications';
export * from './events/dsr-requests';
export * from './events/dsr-identity';
export * from './events/dsr-plans';
export * from './events/dsr-actions';
export * from './events/dsr-packages';
export * from './events/dsr-recipients';
export * from './events/dsr-audit';
export * from './events/dsr-systems';
export * from './events/registry';
export * from './events/acceptance';
export * from './common/string-map.validator';
