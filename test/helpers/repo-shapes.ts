// The honest repository shapes of test/fixtures/repo-shapes/ (cleanpass193): common.sh then the
// named parts, sourced by one bash into a temp folder (keys made once), and an in-process audit of
// one of its repositories with README's set-up (the three repository threats, no ledger written).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, parseJson, ROOT, runMain } from './cli.js';
import { pinnedEnv, tempDir } from './repo.js';

const SHAPES = join(ROOT, 'test', 'fixtures', 'repo-shapes');

export interface Shapes {
  root: string;
  env: NodeJS.ProcessEnv;
}

/** Makes the shapes of `parts` (file names under test/fixtures/repo-shapes without `.sh`). */
export function makeShapes(parts: readonly string[]): Shapes {
  const root = tempDir('gitguard-shapes-');
  const env = { ...pinnedEnv(join(root, 'home')), TZ: 'UTC' };
  const script = ['common', ...parts].map((p) => `. ${JSON.stringify(join(SHAPES, `${p}.sh`))}`).join('\n');
  execFileSync('bash', ['-c', `${script}\ngpgconf --kill gpg-agent`, 'shapes', root, BIN], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return { root, env: { ...env, GNUPGHOME: join(root, 'g') } };
}

/** The audit of the shape `name`: its exit code and the rules that fail (or error). */
export async function auditShape(
  s: Shapes,
  name: string,
  extra: string[] = [],
): Promise<{ code: number; failing: string[] }> {
  const r = await runMain(
    [
      'audit',
      '-C',
      join(s.root, 'r', name),
      '-t',
      'impersonation,history,protections',
      '--no-ledger',
      '--format',
      'json',
      ...extra,
    ],
    { env: s.env },
  );
  const failing = parseJson(r)
    .results.filter((x) => x.outcome === 'fail' || x.outcome === 'error')
    .map((x) => x.meta.id);
  return { code: r.code, failing };
}
