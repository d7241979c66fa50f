// Shared helpers for the infra scripts: repo-relative paths, phase timing, child
// processes, pid handling and small files under .run/. Plain Node (no build step), so
// that `npm start` / `npm test` work on a fresh clone before anything is compiled.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: everything is resolved from here, never from the caller's cwd. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PATHS = {
  run: path.join(ROOT, '.run'),
  infraEnv: path.join(ROOT, '.run', 'infra.env'),
  containers: path.join(ROOT, '.run', 'containers.json'),
  servicesState: path.join(ROOT, '.run', 'services.json'),
  serviceLogs: path.join(ROOT, '.run', 'logs'),
  kafka: path.join(ROOT, '.kafka'),
  kafkaLibs: path.join(ROOT, '.kafka', 'libs'),
  kafkaData: path.join(ROOT, '.kafka', 'data'),
  kafkaLogs: path.join(ROOT, '.kafka', 'logs'),
  kafkaPid: path.join(ROOT, '.kafka', 'kafka.pid'),
  kafkaClusterId: path.join(ROOT, '.kafka', 'cluster-id'),
  kafkaServerProps: path.join(ROOT, '.kafka', 'server.properties'),
  kafkaLog4j: path.join(ROOT, '.kafka', 'log4j.properties'),
  kafkaBrokerOut: path.join(ROOT, '.kafka', 'logs', 'broker.out'),
  kafkaPom: path.join(ROOT, 'tools', 'infra', 'kafka', 'pom.xml'),
};

/** Paths as shown to people: relative to the repo root, shorter and machine-independent. */
export const rel = (p) => path.relative(ROOT, p) || '.';

/** An error whose message is meant for a person: what failed, and what to do about it. */
export class InfraError extends Error {
  constructor(message, { hint, details } = {}) {
    super(message);
    this.name = 'InfraError';
    this.hint = hint;
    this.details = details;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function log(tag, message) {
  process.stdout.write(`[${tag}] ${message}\n`);
}

/**
 * Runs one phase and prints exactly one line for it, with its duration, so slow steps
 * (first Maven fetch, broker start-up) are visible at a glance.
 */
export async function phase(tag, name, fn) {
  const t0 = Date.now();
  try {
    const result = await fn();
    // A phase returns its one-line summary, or { detail, ...values } when it also has a result.
    const detail = result !== null && typeof result === 'object' ? result.detail : result;
    log(tag, `${name.padEnd(15)} ${seconds(Date.now() - t0).padStart(6)}  ${detail ?? 'ok'}`);
    return result;
  } catch (err) {
    log(tag, `${name.padEnd(15)} ${seconds(Date.now() - t0).padStart(6)}  FAILED`);
    throw err;
  }
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write through a temporary file and rename, so a reader never sees half a file. */
export function writeFileAtomic(file, content, mode) {
  ensureDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, mode ? { mode } : undefined);
  fs.renameSync(tmp, file);
}

export function readJson(file) {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function writeJson(file, value) {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function removeFile(file) {
  fs.rmSync(file, { force: true });
}

/** Parses a KEY=VALUE file (the format of .run/infra.env); comments and blanks ignored. */
export function readEnvFile(file) {
  const text = readText(file);
  if (text === undefined) return undefined;
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].trim();
  }
  return env;
}

export function tail(file, lines = 60) {
  const text = readText(file);
  if (!text) return `(${rel(file)} is empty or missing)`;
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Hides the password of a connection URL before it is printed. */
export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * A secret for the dev stack: from the environment when set (CI, a shared dev setup),
 * otherwise generated once and kept under .run/ (git-ignored, owner-only) so that
 * tokens and hashes stay stable across restarts of `npm start`.
 */
export function devSecret(envName, fileName) {
  if (process.env[envName]) return process.env[envName];
  const file = path.join(PATHS.run, fileName);
  const existing = readText(file)?.trim();
  if (existing) return existing;
  const value = randomBytes(32).toString('base64url');
  writeFileAtomic(file, `${value}\n`, 0o600);
  return value;
}

// ---------------------------------------------------------------------------------
// Processes

/** Whether a command exists on PATH (or as a path), without running anything heavy. */
export function which(cmd) {
  if (cmd.includes(path.sep)) return fs.existsSync(cmd) ? cmd : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Runs a command to completion. Output is captured (and returned) unless `inherit` is
 * set; a non-zero exit rejects with the captured output so callers can show it.
 */
export function run(cmd, args, { cwd = ROOT, env = process.env, inherit = false, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new InfraError(`command not found: ${cmd}`) : err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else {
        const err = new InfraError(`\`${[cmd, ...args].join(' ')}\` failed (${signal ?? `exit ${code}`})`, {
          details: out.trim().split('\n').slice(-60).join('\n'),
        });
        err.exitCode = code;
        reject(err);
      }
    });
  });
}

export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) still answers kill(0): it is gone.
  const stat = readText(`/proc/${pid}/stat`);
  if (stat && /\) Z /.test(stat)) return false;
  return true;
}

/**
 * The command line of a process, so a pid read from a file is only signalled when it is
 * still the process we started (pids are reused after a reboot or a long time).
 */
export function commandOf(pid) {
  const cmdline = readText(`/proc/${pid}/cmdline`);
  if (cmdline !== undefined) return cmdline.split('\0').join(' ');
  const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 ? ps.stdout.trim() : '';
}

export async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

function signal(pid, sig, group) {
  try {
    // Detached children lead their own process group: signalling the group also reaches
    // anything they spawned themselves.
    process.kill(group ? -pid : pid, sig);
  } catch (err) {
    if (group && err.code === 'ESRCH') return signal(pid, sig, false);
    if (err.code !== 'ESRCH') throw err;
  }
}

/**
 * SIGTERM, a grace period for a clean shutdown, then SIGKILL.
 * Returns 'not-running' | 'stopped' | 'killed'.
 */
export async function terminate(pid, { graceMs, group = false }) {
  if (!isAlive(pid)) return 'not-running';
  signal(pid, 'SIGTERM', group);
  if (await waitForExit(pid, graceMs)) return 'stopped';
  signal(pid, 'SIGKILL', group);
  await waitForExit(pid, 5000);
  return 'killed';
}

/** Whether something accepts TCP connections on host:port. */
export function portAnswers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A free TCP port on this machine, chosen by the OS. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
