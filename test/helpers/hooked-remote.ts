// The set-up of the secrets hook tests (test/cli/redteam61-pushed-moves, secrets64-*): a copy of a
// template pushed (every branch) to a new bare remote `origin`, then the pre-push hook installed in
// the copy or the pre-receive hook in the remote (in-process: hook-bridge.ts; push with gitAsync),
// and the full audit's open findings of secrets-not-in-history to compare a hook's answer with.
import { join } from 'node:path';
import { copyRepo, makeRepo, tempDir, type TestRepo } from './repo.js';
import { inProcessHooks } from './hook-bridge.js';
import { parseJson, resultOf, runMain, type JsonReport } from './cli.js';

export type Hook = 'pre-push' | 'pre-receive';

/** Where the template vendors a dependency's file (node_modules/: a leak there is excused). */
export const VENDORED = 'node_modules/aws-helper/config.js';

/** A template whose policy excuses fixtures/** and whose second commit puts `config` at VENDORED and at fixtures/aws.js, `util` at lib/util.js. */
export function vendoredTemplate(config: string, util: string): TestRepo {
  const base = makeRepo();
  const policy =
    'version: 1\nrequire_signatures: false\nsecrets:\n  allow:\n    - path: "fixtures/**"\n      reason: a revoked key the tests read\n';
  base.commit('init', { 'README.md': '# app\n', '.gitguard/policy.yml': policy });
  base.commit('vendor the helper', { [VENDORED]: config, 'fixtures/aws.js': config, 'lib/util.js': util });
  return base;
}

/** A copy of `template` pushed to a new bare remote (and fetched back), then `hook` installed. */
export async function hookedRemote(template: TestRepo, hook: Hook): Promise<{ r: TestRepo; remote: string }> {
  const r = copyRepo(template);
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', '--all']);
  r.run(['fetch', '-q', 'origin']);
  const args = hook === 'pre-push' ? ['hook', 'install', '-C', r.dir] : ['hook', 'install', '--server', '-C', remote];
  expect((await runMain(args, { env: r.env, ...(await inProcessHooks()) })).code).toBe(0);
  return { r, remote };
}

/** What the remote's `ref` names, or '' (none). */
export const remoteHas = (r: TestRepo, remote: string, ref: string): string =>
  r.run(['--git-dir', remote, 'rev-parse', '-q', '--verify', ref]);

/** `audit --no-cache` of secrets-not-in-history: its outcome and open findings, as "path:line". */
export async function secretsOpen(r: TestRepo, ...extra: string[]): Promise<{ outcome: string; open: string[] }> {
  const res = await runMain(
    ['audit', r.dir, '--no-ledger', '--no-cache', '-r', 'secrets-not-in-history', '--format', 'json', ...extra],
    { env: r.env },
  );
  const result = resultOf(parseJson<JsonReport>(res), 'secrets-not-in-history');
  const open = (result.findings as Array<{ file?: string; evidence?: { line?: number }; suppressed?: boolean }>)
    .filter((f) => !f.suppressed)
    .map((f) => `${f.file}:${f.evidence?.line}`)
    .sort();
  return { outcome: result.outcome, open };
}
