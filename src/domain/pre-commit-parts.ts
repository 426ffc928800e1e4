// .pre-commit-config.yaml as the CI gate's chain reads it (domain/ci-commands.ts chainPart): what
// `pre-commit run [hook]` runs up to the gate. pre-commit runs the hooks in the file's order and fails
// when any one fails, so a hook after the gate cannot make it pass: the part is every setting outside
// `repos` and, with their repository's `repo` and `rev`, the hooks named (`pre-commit run gate`: every
// hook of that id or alias), or, run all, those up to the last that may lead to gitguard (names it,
// or a path in its entry or args: a script the chain follows). collect/ reads the YAML (as JSON here).
import { GITGUARD_WORD } from './ci-words.js';
import { isObject, yamlObject, type Json } from './workspace-parts.js';

export const PRE_COMMIT_FILES = ['.pre-commit-config.yaml', '.pre-commit-config.yml'];

/** The hooks `pre-commit run <args>` names (`''`: all of them), undefined where it runs no hook or is not read. */
export function preCommitEntries(args: readonly string[]): string[] | undefined {
  if (args[0] !== 'run') return undefined;
  const valued = ['--hook-stage', '--from-ref', '--to-ref', '-s', '-o', '--source', '--origin', '-c', '--config'];
  const ids: string[] = [];
  for (const [k, a] of args.entries()) {
    if (a === '--files') break;
    if (k > 0 && !a.startsWith('-') && !valued.includes(args[k - 1]!)) ids.push(a);
  }
  return ids.length ? ids : [''];
}

/** A path-like word: a script the hook runs, which the chain follows (it may lead to gitguard). */
const PATH_WORD = /(?:^|\s)\.{0,2}\/|\w\/\w|\.(?:sh|bash|py|js|mjs|cjs|ts|rb|pl|ps1)\b/;

/** See the header; undefined where the file is not read so (a merge key, `repos` of another shape, a hook named not there). */
export function preCommitPart(json: string, hooks: readonly string[]): string | undefined {
  const parsed = yamlObject(json);
  if (!parsed) return undefined;
  const { repos, ...settings } = parsed;
  if (!Array.isArray(repos) || !repos.every((r) => isObject(r) && Array.isArray(r.hooks))) return undefined;
  const all = (repos as Json[]).flatMap((r) => {
    const { hooks: list, ...repo } = r;
    return (list as unknown[]).map((hook) => ({ repo, hook }));
  });
  const named = (h: unknown, key: string): boolean => isObject(h) && hooks.includes(String(h[key]));
  const every = hooks.includes('');
  const run = every ? all : all.filter(({ hook }) => named(hook, 'id') || named(hook, 'alias'));
  if (!run.length) return undefined;
  const leads = (h: { repo: Json; hook: unknown }): boolean => {
    const text = JSON.stringify(h);
    const { entry, args } = isObject(h.hook) ? h.hook : {};
    return GITGUARD_WORD.test(text) || PATH_WORD.test(`${JSON.stringify(entry ?? '')} ${JSON.stringify(args ?? '')}`);
  };
  const last = every ? run.map(leads).lastIndexOf(true) : run.length - 1;
  return JSON.stringify([settings, run.slice(0, last < 0 ? run.length : last + 1)]);
}
