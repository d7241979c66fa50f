// "Both commands install what is missing": before anything imports a dependency, make
// sure node_modules matches package-lock.json (npm ci on a fresh clone or after the lock
// changed). Node built-ins only, so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function ensureDependencies(root) {
  const lock = path.join(root, 'package-lock.json');
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const fresh = fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
  if (fresh) return;
  process.stdout.write('[deps] node_modules is missing or older than package-lock.json: npm ci\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci failed: see its output above');
}
