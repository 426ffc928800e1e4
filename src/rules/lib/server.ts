// Which repositories the server rules judge: one others push into. That is a bare repository (or
// any with --server), except a mirror clone (`git clone --mirror`: remote.<name>.mirror in its own
// config), whose refs its fetches overwrite and which is a copy, not a place people push to, and the
// common dir of linked worktrees (`git clone --bare` then `git worktree add`), a clone people commit in.
import type { Facts } from '../../domain/model.js';
import { effective, gitBool } from '../../domain/config.js';

/** Why the server rules do not apply (the rule's not-applicable note), or undefined when they do. */
export function notAServer(facts: Facts): string | undefined {
  if (!facts.repository.bare && !facts.server)
    return 'not a server: the repository is not bare (use --server to judge it as one)';
  if (facts.serverRequested) return undefined;
  if (facts.repository.linkedWorktrees)
    return `not a server: a bare repository with ${facts.repository.linkedWorktrees} linked worktree(s) (git worktree add), where people commit (use --server to judge it as one)`;
  if (!facts.config.ok) return undefined;
  const config = facts.config.value;
  const remotes = new Set(
    config
      .filter((e) => e.scope === 'local' && /^remote\..+\.mirror$/.test(e.key))
      .map((e) => e.key.slice('remote.'.length, -'.mirror'.length)),
  );
  for (const name of remotes) {
    const e = effective(config, `remote.${name}.mirror`);
    if (e?.scope === 'local' && gitBool(e.value) === true)
      return `not a server: a mirror clone of remote ${name} (remote.${name}.mirror), which its fetches overwrite and nobody pushes into (use --server to judge it as one)`;
  }
  return undefined;
}
