/**
 * A handler throws this when retrying cannot help (e.g. a reply for a command nobody
 * sent): the message goes to the dead-letter topic at once, with this reason.
 */
export class PermanentError extends Error {
  readonly permanent = true;
}

export function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}
