// The browser of the web apps' end-to-end tests: Debian's `chromium` package, installed
// with apt-get when missing (as root, or with password-less sudo). No browser is ever
// downloaded from anywhere else (playwright-core ships none). CHROMIUM_PATH points at
// another Chromium build that is already installed.
import fs from 'node:fs';

import { InfraError, log, run, which } from './common.mjs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export async function ensureChromium(env = process.env) {
  const wanted = env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (fs.existsSync(wanted)) return wanted;
  if (env.CHROMIUM_PATH) throw new InfraError(`CHROMIUM_PATH=${wanted} does not exist`);
  if (!which('apt-get')) {
    throw new InfraError('the browser tests need Chromium, and this machine has no apt-get to install it', {
      hint: 'Install Chromium with your package manager and set CHROMIUM_PATH to its executable.',
    });
  }
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = asRoot ? [] : which('sudo') ? ['sudo', '-n'] : undefined;
  if (!sudo) {
    throw new InfraError('the browser tests need Chromium: not installed, and not root to install it', {
      hint: 'Run `sudo apt-get install -y chromium` once (Debian/Ubuntu), or set CHROMIUM_PATH.',
    });
  }
  const apt = async (...args) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
    await run(cmd, rest, { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  log('browser', 'chromium is missing: apt-get install -y chromium');
  try {
    await apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    // A fresh machine may have no package lists yet.
    await apt('update');
    await apt('install', '-y', '--no-install-recommends', 'chromium');
  }
  if (!fs.existsSync(DEFAULT_CHROMIUM))
    throw new InfraError(`apt-get installed chromium but ${DEFAULT_CHROMIUM} is missing`);
  return DEFAULT_CHROMIUM;
}
