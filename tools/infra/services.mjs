// The services of the dev stack and their ports: the one list that `npm start`, `npm stop`,
// `status` and the end-to-end tests share. No imports, so anything can load it cheaply.

/**
 * Every app under apps/ that `npm start` runs, in start order, with its HTTP port.
 * Each is built to dist/apps/<name>/src/main.js and answers GET /health/ready when ready.
 */
export const SERVICES = Object.freeze([
  Object.freeze({ name: 'request-intake', port: 3000 }),
  Object.freeze({ name: 'identity', port: 3001 }),
  Object.freeze({ name: 'data-locator', port: 3002 }),
  Object.freeze({ name: 'erasure-executor', port: 3003 }),
  Object.freeze({ name: 'audit', port: 3004 }),
  Object.freeze({ name: 'demo-systems', port: 3010 }),
]);
