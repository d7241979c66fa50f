/** @datarights/service-kit — what every service shares: bootstrap, config, logs, health, metrics, auth, errors. */
export * from './bootstrap';
export * from './config.loader';
export * from './redaction';
export * from './logger.module';
export * from './http-error.filter';
export * from './http-validation.pipe';
export * from './health.controller';
export * from './metrics.controller';
export * from './service-kit.module';
export * from './auth.guard';
export * from './auth.jwt';
export * from './http-rate-limit';
export * from './clock/clock';
export * from './clock/clock.module';
export * from './http-trace';
export * from './package-crypto';
export * from './periodic-job';
