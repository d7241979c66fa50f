/** Every migration of audit, in order (each table change is a migration; never synchronize). */
import { AuditEntries1733100000000 } from './1733100000000-audit-entries';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [AuditEntries1733100000000];
