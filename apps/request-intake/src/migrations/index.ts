/** Every migration of request-intake, in order (each table change is a migration; never synchronize). */
import { Requests1733000000000 } from './1733000000000-requests';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [Requests1733000000000];
