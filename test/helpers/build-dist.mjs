// The e2e project's globalSetup: builds dist/ (tsc -b, incremental) when a source is newer than the
// last build, before any worker loads it (e2e-environment.mjs shares the built main; the smoke tests
// run bin/gitguard.js). `npm test` builds first, so there this only compares times (~10 ms).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function buildDist() {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', '.tsbuildinfo')).mtimeMs;
  } catch {
    // never built
  }
  const sources = Math.max(
    newest(join(ROOT, 'src')),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(ROOT, f)).mtimeMs),
  );
  if (sources <= built) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const res = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('the build failed (npm run build): the e2e tests run dist/');
  // tsc -b leaves its record alone when a source was saved unchanged: marked up to date, so the next
  // run does not start tsc again.
  const now = new Date();
  utimesSync(join(ROOT, 'dist', '.tsbuildinfo'), now, now);
}
