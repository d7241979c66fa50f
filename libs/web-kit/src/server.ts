/**
 * What both web apps share: Express with security headers (a strict Content-Security-Policy:
 * no inline script, nothing from elsewhere), URL-encoded forms only, the language (French by
 * default, `?lang=en` remembered in a cookie), health routes for the probes, one JSON log
 * line per request (method, route, status, duration: no query string, no form field, no
 * personal data), and an error page that says nothing of internals.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import pino from 'pino';
import { STYLESHEET } from './style';

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

export interface WebAppOptions {
  name: string;
  /** Extra `connect-src`/`form-action` origins (the OIDC issuer, for the console). */
  formActions?: string[];
  trustProxy?: string | number;
}

/**
 * The apps' logger. Its level is the app's LOG_LEVEL, which the entry point reads with the
 * rest of its config and sets once (`setLogLevel`) before creating the app: this lib never
 * reads process.env (docs/conventions.md, "Configuration and secrets").
 */
export const logger = pino({ level: 'info', base: { service: undefined } });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** LOG_LEVEL as an app's config reads it: `info` when unset; another value stops the start-up, naming it. */
export function logLevelOf(raw: string | undefined): string {
  const level = raw?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(raw)})`);
  return level;
}

/** At boot, before `createWebApp`: the loggers it and `errorHandler` derive take the level then. */
export function setLogLevel(level: string): void {
  logger.level = level;
}

declare module 'express-serve-static-core' {
  interface Request {
    lang: Lang;
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

export function createWebApp(o: WebAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  if (o.trustProxy !== undefined) app.set('trust proxy', o.trustProxy);
  const log = logger.child({ app: o.name });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'", ...(o.formActions ?? [])],
          'frame-ancestors': ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use((req, res, next) => {
    const t0 = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // The route pattern when one matched: ids of requests are not personal data, but query strings may be.
      const route = (req.route?.path as string | undefined) ?? req.path;
      if (!route.startsWith('/health'))
        log.info({ method: req.method, route, status: res.statusCode, ms: Math.round(ms) }, 'http');
    });
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/health/ready', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/static/style.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=300').send(STYLESHEET);
  });
  app.use((req, res, next) => {
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const cookie = parseCookies(req.headers.cookie).lang;
    const lang = (LANGS as readonly string[]).includes(asked ?? '') ? (asked as Lang) : cookie === 'en' ? 'en' : 'fr';
    if (asked && asked === lang)
      res.append('set-cookie', `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax${secureFlag(req)}`);
    req.lang = lang;
    next();
  });
  return app;
}

/** `; Secure` when the browser reached us over HTTPS (directly or through a trusted proxy). */
export function secureFlag(req: Request): string {
  return req.secure ? '; Secure' : '';
}

/** Last: a 500 page with a reference to the log line, never the error itself. */
export function errorHandler(name: string, page: (req: Request, ref: string) => string) {
  const log = logger.child({ app: name });
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const ref = Math.random().toString(36).slice(2, 10);
    log.error({ ref, err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'failed');
    res.status(500).type('html').send(page(req, ref));
  };
}

/** Listens; SIGTERM closes the server and lets requests in flight end. */
export function listen(app: Express, port: number, name: string): Promise<void> {
  return new Promise((resolve) => {
    const server = app.listen(port, '0.0.0.0', () => {
      logger.info({ app: name, port }, `${name} listening on ${port}`);
      resolve();
    });
    const stop = () => server.close(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
