#!/usr/bin/env node
/**
 * Builds @datarights/connector-sdk as an installable package and packs it with `npm pack`:
 * JS and .d.ts into dist/packages/connector-sdk (the SDK and, bundled into the package,
 * the contracts it validates with: libs/connector-sdk/README.md, "Installing"), then
 * `<name>-<version>.tgz` into the destination (default dist/packages).
 *
 *   node tools/connector-sdk/pack.mjs [--out <dir>]
 *
 * Prints the tarball's absolute path on its last line.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = join(ROOT, 'libs/connector-sdk');
const BUILD = join(ROOT, 'dist/packages/connector-sdk');
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(ROOT, 'dist/packages');

const bin = (name) => join(ROOT, 'node_modules/.bin', name);
const tsconfig = join(LIB, 'tsconfig.package.json');

rmSync(BUILD, { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', tsconfig], { cwd: ROOT, stdio: 'inherit' });
// The contracts are imported as @datarights/contracts (a tsconfig path): made relative, so
// the package needs no other package of the monorepo.
execFileSync(bin('tsc-alias'), ['-p', tsconfig], { cwd: ROOT, stdio: 'inherit' });
for (const f of ['package.json', 'README.md']) copyFileSync(join(LIB, f), join(BUILD, f));

mkdirSync(OUT, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: BUILD, encoding: 'utf8' }),
);
console.log(join(OUT, packed[0].filename));
