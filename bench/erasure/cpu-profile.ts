/**
 * Summarises the V8 CPU profiles the services write during a burst (cpu-profiler.preload.js):
 * per service, how busy it was and the functions with the most self time. Profiles stay in
 * .run/ (git-ignored); open one in Chrome DevTools for the full picture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Not work: the idle loop, the profiler itself. */
const IDLE = new Set(['(idle)', '(program)']);

function where(frame: ProfileNode['callFrame'], root: string): string {
  if (!frame.url) return frame.functionName || '(anonymous)';
  const url = frame.url.replace(/^file:\/\//, '');
  const rel = url.startsWith(root) ? relative(root, url) : url;
  const short = rel.replace(/^node_modules\//, '');
  return `${frame.functionName || '(anonymous)'} ${short}:${frame.lineNumber + 1}`;
}

/** Where the time went in one profile: busy share of the wall time, then the top self-time functions and packages. */
export function summariseProfile(path: string, root: string, top = 12): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i])!;
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (IDLE.has(node.callFrame.functionName)) continue;
    busy += dt;
    const k = where(node.callFrame, root);
    self.set(k, (self.get(k) ?? 0) + dt);
    const url = node.callFrame.url.replace(/^file:\/\//, '');
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const group = m
      ? m[1]
      : url.startsWith(root)
        ? relative(root, url).split('/').slice(0, 3).join('/')
        : url
          ? 'node:internal'
          : node.callFrame.functionName;
    pkg.set(group, (pkg.get(group) ?? 0) + dt);
  }
  const wall = (p.endTime - p.startTime) / 1000;
  const fmt = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => `    ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  return [
    `  busy ${busy.toFixed(0)} ms of ${wall.toFixed(0)} ms wall (${((100 * busy) / wall).toFixed(0)} % of one core)`,
    `  by package / folder (self time):`,
    fmt(pkg, 8),
    `  top functions (self time):`,
    fmt(self, top),
  ].join('\n');
}

/** Every profile of the burst numbered `n` in `dir`, one block per service. */
export function summariseProfiles(dir: string, n: number, root: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(`.${n}.cpuprofile`))
    .sort();
  return files.map((f) => `${f.replace(/\.\d+\.cpuprofile$/, '')}\n${summariseProfile(join(dir, f), root)}`).join('\n');
}
