/** Every migration of identity, in order (each table change is a migration; never synchronize). */
export const MIGRATIONS: Function[] = [];
