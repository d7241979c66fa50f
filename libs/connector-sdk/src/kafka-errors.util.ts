/**
 * Reading kafkajs errors: they nest (a retrier wraps the broker's answer in `cause`, a
 * batch holds several in `errors`), and what matters is the broker's error type deep inside.
 */
type KafkaError = { type?: unknown; errors?: unknown[]; cause?: unknown };

/** The broker's error types found in `err`, however deeply wrapped. */
export function brokerErrorTypes(err: unknown, found: string[] = []): string[] {
  if (typeof err !== 'object' || err === null) return found;
  const e = err as KafkaError;
  if (typeof e.type === 'string') found.push(e.type);
  if (Array.isArray(e.errors)) for (const inner of e.errors) brokerErrorTypes(inner, found);
  if (e.cause !== undefined && e.cause !== err) brokerErrorTypes(e.cause, found);
  return found;
}

/** The broker refused for lack of an ACL (TOPIC_, GROUP_, CLUSTER_AUTHORIZATION_FAILED...). */
export function isAuthorisationError(err: unknown): boolean {
  return brokerErrorTypes(err).some((type) => type.endsWith('AUTHORIZATION_FAILED'));
}

/**
 * The broker refused these messages themselves: sending them again can only fail again
 * (kafkajs does not retry them either).
 */
const REFUSED_MESSAGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

export function refusedMessageType(err: unknown): string | undefined {
  return brokerErrorTypes(err).find((type) => REFUSED_MESSAGE.has(type));
}
