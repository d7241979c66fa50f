/** @datarights/testing — real-infrastructure helpers; only spec and test files may import it. */
export * from './infra';
export * from './kafka-client';
export * from './factories';
export * from './test-app';
export * from './unzip';
export * from './migration-test';
