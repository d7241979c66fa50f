/**
 * The default logger: warnings and errors only, one JSON line each on stderr, so a system
 * that passes nothing is told when something goes wrong without being flooded. The SDK
 * never hands a logger subject keys or record contents, whichever logger is used.
 */
import type { ConnectorLogger } from './connector.types';

export function consoleLogger(name = 'connector-sdk'): ConnectorLogger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ time: new Date().toISOString(), level, name, message, ...fields }));
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, fields) => line('warn', message, fields),
    error: (message, fields) => line('error', message, fields),
  };
}

/** A logger that says nothing (tests). */
export const silentLogger: ConnectorLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A safe description of an error for logs and replies: its class and code, never its message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? `${err.name} (code ${code})` : err.name;
  }
  return typeof err;
}
