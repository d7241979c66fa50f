/** Every migration of request-intake, in order (each table change is a migration; never synchronize). */
export const MIGRATIONS: Function[] = [];
