/** Every migration of data-locator, in order (each table change is a migration; never synchronize). */
import { InventoryIndexPlans1733100000000 } from './1733100000000-inventory-index-plans';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [InventoryIndexPlans1733100000000];
