/** Pseudonyms of subject identifiers with the id of their key, and the keyring they are made with. */
export * from './pseudonym';
export * from './keyring';
export * from './keyring-config';
export * from './migration-sql';
