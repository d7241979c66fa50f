/**
 * Checkpoints as files: one JSON file per checkpoint in a directory an operator ships to
 * WORM storage (object lock, tape, ...). Names sort in log order
 * (`<log>-<headSeq, 15 digits>-<entries, 15 digits>.json`), so the latest is the last name.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCheckpoint, type Checkpoint } from '../signing/checkpoint';

const pad = (n: number) => String(n).padStart(15, '0');

export function checkpointFileName(c: Checkpoint): string {
  return `${c.log}-${pad(c.headSeq)}-${pad(c.entries)}.json`;
}

export async function writeCheckpointFile(dir: string, c: Checkpoint): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, checkpointFileName(c));
  // Written whole or not at all: a shipper never picks up half a file.
  await writeFile(`${file}.tmp`, `${JSON.stringify(c)}\n`, { mode: 0o644 });
  await rename(`${file}.tmp`, file);
  return file;
}

/** The checkpoints of a file or directory: a `.json` file, or JSON lines (one checkpoint or envelope a line). */
export async function readCheckpointsFrom(
  path: string,
  options: { log?: string; last?: number } = {},
): Promise<Checkpoint[]> {
  let names: string[] | undefined;
  try {
    names = (await readdir(path)).filter((n) => n.endsWith('.json') || n.endsWith('.jsonl')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
  }
  const files = names
    ? (options.log ? names.filter((n) => n.startsWith(`${options.log}-`)) : names)
        .slice(-(options.last ?? names.length))
        .map((n) => join(path, n))
    : [path];
  const out: Checkpoint[] = [];
  for (const file of files) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${file}: not JSON`);
      }
      const c = parseCheckpoint(value);
      if (!c) throw new Error(`${file}: not a checkpoint`);
      if (!options.log || c.log === options.log) out.push(c);
    }
  }
  return out;
}
