/** The policy the purge reads (its `purge` section and the categories' periods). */
export const PURGE_POLICY = Symbol('PURGE_POLICY');
