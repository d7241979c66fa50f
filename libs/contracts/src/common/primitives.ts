/** Shared value rules of the contract. */
export const CATEGORY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
export const PURPOSE_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** The six rights of GDPR Art. 15–21 a request can exercise. */
export const REQUEST_TYPES = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/**
 * What a system can do with a subject's data; each maps to one command type. `notify`: the
 * system is a recipient that takes Art. 19 notices (`pdata.command.notify.v1`) of a
 * rectification, erasure or restriction done elsewhere.
 */
export const CAPABILITIES = ['export', 'erase', 'rectify', 'restrict', 'suppress', 'notify'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Who receives a system's data (Art. 30(1)(d)): a sub-processor (Art. 28(2)), another controller, ... */
export const RECIPIENT_KINDS = ['sub-processor', 'controller', 'public-authority', 'internal'] as const;

export const SYSTEM_ROLES = ['controller', 'processor'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export const COMMAND_OUTCOMES = ['done', 'not-found', 'partial', 'failed'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

export const CHANNELS = ['email', 'portal', 'post', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];
