// Loaded into each service by erasure.bench.ts (BENCH_PROFILE=1, `node -r`): while the file
// $BENCH_PROFILE_DIR/on holds a burst number n, V8's CPU profiler runs; when the file goes,
// the profile is written to $BENCH_PROFILE_DIR/<service>.<n>.cpuprofile, so that a profile
// covers exactly one burst. (`--cpu-prof` writes only at a clean exit, which Nest's shutdown
// hooks never make; signals are taken by those hooks, or lost when set from a preload.)
'use strict';
const { Session } = require('node:inspector');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
const trigger = join(dir, 'on');
// dist/apps/<service>/src/main.js
const name = /apps\/([^/]+)\/src\/main\.js$/.exec(process.argv[1] || '')?.[1] || String(process.pid);
let session;
let burst;

setInterval(() => {
  const on = existsSync(trigger);
  if (on && !session) {
    burst = readFileSync(trigger, 'utf8').trim();
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
    );
  } else if (!on && session) {
    const s = session;
    session = undefined;
    s.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `${name}.${burst}.cpuprofile`), JSON.stringify(res.profile));
      s.disconnect();
    });
  }
}, 200).unref();
