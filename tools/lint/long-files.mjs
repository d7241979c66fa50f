#!/usr/bin/env node
/**
 * A production file over ~250 lines says why in its header (docs/conventions.md, "Files"):
 * a long file is either a catalogue (words, pages, a registry, one aggregate's SQL) or a
 * room that should be split. This check lists the production TypeScript files of apps/ and
 * libs/ over the limit whose first comment has no "Long on purpose:" sentence, and fails.
 * Tests, the testing lib, migrations and generated files are not counted.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LIMIT = 250;
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'apps', 'libs'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f.endsWith('.ts'))
  .filter(
    (f) =>
      !/\.(spec|int-spec|e2e-spec)\.ts$/.test(f) &&
      !/\/(test|migrations|generated)\//.test(f) &&
      !f.startsWith('libs/testing/'),
  );

const offenders = [];
for (const file of tracked) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the working tree
  }
  const lines = text.split('\n').length;
  if (lines <= LIMIT) continue;
  const header = text.startsWith('/**') ? text.slice(0, text.indexOf('*/')) : '';
  if (!header.includes('Long on purpose:')) offenders.push(`${file} (${lines} lines)`);
}
if (offenders.length > 0) {
  console.error(
    `These files are over ${LIMIT} lines and their header does not say why ("Long on purpose: ..."); ` +
      `split them by use case or give the reason (docs/conventions.md, "Files"):\n  ${offenders.join('\n  ')}`,
  );
  process.exit(1);
}
