/**
 * @datarights/policy — the law as configuration (docs/architecture.md, "The law is configuration,
 * not code").
 *
 * A policy file (`deploy/policy/*.yaml`; the French default is `default.fr.yaml`) holds
 * the time limits of GDPR Art. 12, the proof period, how commands to systems are timed
 * out and retried, and, per category of personal data, what erasure does to it (erase,
 * or retain for a legal period with its ground and text). Services load it once at
 * start-up and stop on an invalid file:
 *
 *   const policy = loadPolicy(resolvePolicyPath(config.POLICY_FILE));
 *   erasureDecision(policy, 'billing');   // { action: 'retain', retention: { period: 'P10Y', ... } }
 *   addDuration(receivedAt, policy.deadlines.response);   // calendar months (Regulation 1182/71)
 *
 * Depends on `yaml`, `class-validator`, `class-transformer` and `luxon` (time zones) only.
 */
export * from './in-words';
export * from './duration';
export * from './legal-time';
export * from './record-retention';
export * from './policy.model';
export * from './policy.loader';
export * from './request-effects';
export * from './erasure-decision';
export * from './verification';
export * from './direct-marketing';
export * from './identity-links';
export * from './purge';
