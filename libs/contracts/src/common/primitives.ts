/** Shared value rules of the contract. */
export const CATEGORY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
export const PURPOSE_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** The six rights of GDPR Art. 15–21 a request can exercise. */
export const REQUEST_TYPES = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** What a system can do with a subject's data; each maps to one command type. */
export const CAPABILITIES = ['export', 'erase', 'rectify', 'restrict', 'suppress'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const SYSTEM_ROLES = ['controller', 'processor'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export const COMMAND_OUTCOMES = ['done', 'not-found', 'partial', 'failed'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

export const CHANNELS = ['email', 'portal', 'post', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];
