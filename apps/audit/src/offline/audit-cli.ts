/**
 * `npm run audit -- <command>`: export the evidence log, and verify an export offline
 * (deploy/README.md, "Verifying the audit log").
 *
 *   npm run audit -- export --out <file.jsonl>
 *   npm run audit -- verify <file.jsonl> --checkpoints <file|dir> --public-key <pem> [--public-key <pem> ...] [--log <name>]
 *   npm run audit -- find --kind <email|phone|customerId> < <file holding the identifier>
 *
 * `export` reads audit's schema (DATABASE_URL, DATABASE_SCHEMA, default `audit`; a
 * read-only login is enough) and writes one entry per line, in chain order.
 * `verify` needs no database and no service: the export, the checkpoints (files written
 * to AUDIT_CHECKPOINT_DIR, or JSON lines dumped from `dsr.audit.checkpoints.v1`) and the
 * public keys (every key that signed: the current one and earlier ones). It prints the
 * result as JSON and exits 0 when everything holds, 1 when not, 2 on a usage error.
 * `find` lists the entries about one subject (Art. 15 and 5(2): what the log holds about a
 * person), for the DPO who holds the HMAC keys (AUDIT_HMAC_KEY, AUDIT_HMAC_KEY_ID,
 * AUDIT_HMAC_PREVIOUS_KEYS, as audit reads them): the identifier is read from standard
 * input, never an argument (no shell history, no process list), and never printed. It
 * finds entries of both hash formats under every key (subject-hashes.ts).
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { assertSchemaName, databaseSettingsFromEnv } from '@datarights/persistence';
import { SUBJECT_KEY_KINDS, type SubjectKeyKind } from '@datarights/contracts';
import { loadConfig } from '@datarights/service-kit';
import { subjectHashesToFind } from '../audit-log/subject-hashes';
import { readCheckpointsFrom } from '../checkpoints/checkpoint-files';
import { AuditConfig, pseudonymiserOf } from '../config/app.config';
import type { StoredEntry } from '../evidence/chain-verifier';
import { parseExportLine, verifyExport } from '../evidence/offline-verification';
import { PublicKeyRing } from '../signing/signing-keys';

export const USAGE = `usage:
  npm run audit -- export --out <file.jsonl>
  npm run audit -- verify <file.jsonl> --checkpoints <file|dir> --public-key <pem> [--public-key <pem> ...] [--log <name>]
  npm run audit -- find --kind <email|phone|customerId> < <file holding the identifier>`;

export class UsageError extends Error {}

const PAGE = 1000;

/** A row of `audit_entries` as the pg driver returns it. */
export interface EntryRow {
  seq: string;
  event_id: string;
  type: string;
  source: string;
  occurred_at: Date;
  request_id: string | null;
  subject_hashes: string[];
  payload: Record<string, unknown>;
  key_id: string;
  prev_hash: string;
  hash: string;
  signature: string | null;
  sig_key_id: string | null;
}

export function entryOfRow(r: EntryRow): StoredEntry {
  return {
    seq: Number(r.seq),
    eventId: r.event_id,
    type: r.type,
    source: r.source,
    occurredAt: r.occurred_at.toISOString(),
    requestId: r.request_id,
    subjectHashes: r.subject_hashes,
    payload: r.payload,
    keyId: r.key_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    signature: r.signature,
    sigKeyId: r.sig_key_id,
  };
}

/** Runs `work` on one connection to the audit schema (DATABASE_URL, DATABASE_SCHEMA, default `audit`). */
async function withAuditLog<T>(
  env: NodeJS.ProcessEnv,
  work: (client: Client, schema: string) => Promise<T>,
): Promise<T> {
  const schema = assertSchemaName(env.DATABASE_SCHEMA || 'audit');
  const client = new Client({ connectionString: databaseSettingsFromEnv(env).url });
  await client.connect();
  try {
    return await work(client, schema);
  } finally {
    await client.end();
  }
}

/** Writes every entry of the log, in chain order, one JSON line each; returns how many. */
export function exportLog(file: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withAuditLog(env, async (client, schema) => {
    const out = createWriteStream(file, { mode: 0o600 });
    let n = 0;
    try {
      let after = '0';
      for (;;) {
        const { rows } = await client.query<EntryRow>(
          `SELECT e.seq::text AS seq, e.event_id, e.type, e.source, e.occurred_at, e.request_id, e.subject_hashes, e.payload,
                e.key_id, e.prev_hash, e.hash, e.signature, e.sig_key_id
           FROM "${schema}".audit_entries e WHERE e.seq > $1 ORDER BY e.seq LIMIT ${PAGE}`,
          [after],
        );
        for (const r of rows) {
          const entry = entryOfRow(r);
          if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain');
          n++;
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.seq;
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    return n;
  });
}

/** An entry about the subject: where it is and what it records, never the subject. */
export interface FoundEntry {
  seq: number;
  type: string;
  occurredAt: string;
  requestId: string | null;
  keyId: string;
}

/** The entries whose subject hashes include this identifier's, under either format and any key. */
export async function findSubject(
  kind: SubjectKeyKind,
  value: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FoundEntry[]> {
  const hashes = subjectHashesToFind(pseudonymiserOf(loadConfig(AuditConfig, env)), kind, value);
  return withAuditLog(env, async (client, schema) => {
    const { rows } = await client.query<{
      seq: string;
      type: string;
      occurred_at: Date;
      request_id: string | null;
      key_id: string;
    }>(
      `SELECT e.seq::text AS seq, e.type, e.occurred_at, e.request_id, e.key_id
         FROM "${schema}".audit_entries e WHERE e.subject_hashes && $1::text[] ORDER BY e.seq`,
      [hashes],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      requestId: r.request_id,
      keyId: r.key_id,
    }));
  });
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

async function* readExport(file: string): AsyncIterable<StoredEntry> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    try {
      yield parseExportLine(text);
    } catch (err) {
      throw new Error(`${file}:${line}: ${(err as Error).message}`);
    }
  }
}

/** Returns the exit code. */
export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  input: () => Promise<string> = readStdin,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      checkpoints: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      log: { type: 'string' },
      kind: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, file] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return 0;
  }
  if (command === 'export') {
    if (!values.out) throw new UsageError('export: --out <file.jsonl> is required');
    const n = await exportLog(values.out);
    out(`${n} entries written to ${values.out}`);
    return 0;
  }
  if (command === 'verify') {
    if (!file || positionals.length > 2) throw new UsageError('verify: one export file expected');
    if (!values.checkpoints) throw new UsageError('verify: --checkpoints <file|dir> is required');
    const pems = values['public-key'] ?? [];
    if (pems.length === 0) throw new UsageError('verify: at least one --public-key <pem> is required');
    const keys = PublicKeyRing.fromPem(...pems.map((p) => readFileSync(p, 'utf8')));
    if (keys.size === 0) throw new UsageError('verify: no public key found in the --public-key files');
    const checkpoints = await readCheckpointsFrom(values.checkpoints, { log: values.log });
    if (checkpoints.length === 0) throw new UsageError(`verify: no checkpoint in ${values.checkpoints}`);
    const result = await verifyExport(readExport(file), checkpoints, keys);
    out(JSON.stringify(result, null, 2));
    return result.valid ? 0 : 1;
  }
  if (command === 'find') {
    const kind = values.kind as SubjectKeyKind | undefined;
    if (!kind || !SUBJECT_KEY_KINDS.includes(kind))
      throw new UsageError(`find: --kind ${SUBJECT_KEY_KINDS.join('|')} is required`);
    const value = (await input()).trim();
    if (!value) throw new UsageError('find: the identifier is read from standard input, which was empty');
    const found = await findSubject(kind, value);
    out(JSON.stringify({ entries: found.length, found }, null, 2));
    return 0;
  }
  throw new UsageError(`unknown command ${command}`);
}
