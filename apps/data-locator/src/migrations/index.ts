/** Every migration of data-locator, in order (each table change is a migration; never synchronize). */
export const MIGRATIONS: Function[] = [];
