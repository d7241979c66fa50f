// The services of the dev stack and their ports: the one list that `npm start`, `npm stop`,
// `status` and the end-to-end tests share. No imports, so anything can load it cheaply.

/**
 * Every app under apps/ that `npm start` runs, in start order, with its HTTP port.
 * Each is built to dist/apps/<name>/src/main.js and answers GET /health/ready when ready;
 * `web`: a browser app, printed with its address.
 */
export const SERVICES = Object.freeze([
  Object.freeze({ name: 'request-intake', port: 3000 }),
  Object.freeze({ name: 'identity', port: 3001 }),
  Object.freeze({ name: 'data-locator', port: 3002 }),
  Object.freeze({ name: 'erasure-executor', port: 3003 }),
  Object.freeze({ name: 'audit', port: 3004 }),
  // Sends dsr.notifications.v1 over SMTP: in development to demo-systems' SMTP sink (127.0.0.1:2525).
  Object.freeze({ name: 'mail-gateway', port: 3005 }),
  Object.freeze({ name: 'demo-systems', port: 3010 }),
  // The web apps: they call the APIs above over HTTP (their default URLs are these ports).
  Object.freeze({ name: 'dpo-console', port: 3020, web: 'DPO console' }),
  Object.freeze({ name: 'privacy-centre', port: 3021, web: 'privacy centre' }),
]);
