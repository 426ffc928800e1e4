import { defineRepoRule } from './define.js';
import { conditionNote, configFinding, unsetStep } from './lib/config.js';
import { effective, gitBool } from '../domain/config.js';
import type { ConfigEntry } from '../domain/model.js';
import { GIT_HOOKS } from '../domain/git-hooks.js';
import { notAvailable } from './lib/findings.js';

// core.hooksPath moves every hook, gitguard's pre-push (or pre-receive) hook included. Pointing it at
// /dev/null, a folder that does not exist or a folder with no hooks switches all of them off without
// touching the hooks themselves. So does pointing it away from the folder where gitguard's hook was
// installed (the default .git/hooks, or a core.hooksPath that a later scope overrides). Otherwise a
// core.hooksPath that holds hooks (a team's .githooks) is fine: whether gitguard's hook is among them
// is gitguard-hook-installed's question. One naming the folder git uses without it (`.git/hooks`)
// changes nothing, and is judged as that folder is: with only git's samples in it, it passes.
const NULL_DEVICES = new Set(['/dev/null', 'nul', '\\\\.\\nul']);
// The repository's own core.hooksPath that git reads only elsewhere (another worktree, a file an
// includeIf takes in on another branch, in another place): switching every hook off there is the same
// act. Only these two values are judged there (the folder's hooks are this worktree's question).
const switchesOff = (v: string | null): boolean => v === '' || (v !== null && NULL_DEVICES.has(v.trim().toLowerCase()));
// A folder whose files are none of the hooks git runs (domain/git-hooks.ts), each only as an executable
// file of that name (`core.hooksPath=/etc`, a `.gitkeep`, a pre-push without its x bit), switches every
// hook off as /dev/null does.

// git 2.55's event switch: hook.<event>.enabled=false stops the hooks configured for that event, and by
// its documentation every hook of the event (git 2.55 still runs the hooks folder's; a change under review stops it too): gitguard's
// pre-push hook is switched off as by core.hooksPath=/dev/null. The last value git read decides.
function eventsSwitchedOff(config: readonly ConfigEntry[]): Array<{ entry: ConfigEntry; event: string }> {
  return [...GIT_HOOKS].flatMap((event) => {
    const entry = effective(config, `hook.${event}.enabled`);
    return entry && gitBool(entry.value) === false ? [{ entry, event }] : [];
  });
}

export default defineRepoRule({
  id: 'hooks-not-disabled',
  needs: ['config', 'hooks', 'worktree-config'],
  evaluate(facts) {
    if (!facts.hooks.ok) return notAvailable(facts.hooks.reason);
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    if (facts.worktreeConfig && !facts.worktreeConfig.ok) return notAvailable(facts.worktreeConfig.reason);
    const others = (facts.worktreeConfig?.value ?? []).filter((e) => e.scope === 'local' || e.scope === 'worktree');
    const elsewhere = [
      ...others.filter((e) => e.key === 'core.hookspath' && switchesOff(e.value)),
      // Each other worktree's (or conditional file's) own entries: the last value there decides.
      ...[...new Set(others.map((e) => e.worktreeGitDir ?? e.origin))].flatMap((place) =>
        eventsSwitchedOff(others.filter((e) => (e.worktreeGitDir ?? e.origin) === place)).map(({ entry }) => entry),
      ),
    ];
    if (elsewhere.length)
      return {
        outcome: 'fail',
        findings: elsewhere.map((e) =>
          configFinding(
            e,
            `${e.key === 'core.hookspath' ? 'core.hooksPath' : e.key}=${e.value ?? ''} (${e.scope}${e.worktreeGitDir ? ` of the worktree at ${e.worktreeGitDir}` : ''})${conditionNote(e)}: ${e.key === 'core.hookspath' ? 'every hook is' : "that event's hooks are (git 2.55)"} switched off there`,
          ),
        ),
      };
    const offEvents = eventsSwitchedOff(facts.config.value);
    if (offEvents.length)
      return {
        outcome: 'fail',
        findings: offEvents.map(({ entry, event }) =>
          configFinding(
            entry,
            `${entry.key}=${entry.value ?? ''} (${entry.scope}): git 2.55's hook.<event>.enabled switches every ${event} hook off (git-config(1): "no hooks fire for that event"); next: ${unsetStep(entry)}`,
          ),
        ),
      };
    const hooks = facts.hooks.value;
    const hp = effective(facts.config.value, 'core.hookspath');
    if (hooks.source === 'default' || !hp || hp.value === null) return { outcome: 'pass' };
    // git reads an empty value as "no folder" and runs no hook at all (it does not fall back to .git/hooks).
    if (hp.value === '')
      return {
        outcome: 'fail',
        findings: [
          configFinding(hp, `core.hooksPath is empty (${hp.scope}): git runs no hook, every hook is switched off`),
        ],
      };
    if (NULL_DEVICES.has(hp.value.trim().toLowerCase())) {
      return {
        outcome: 'fail',
        findings: [configFinding(hp, `core.hooksPath=${hp.value} (${hp.scope}): every hook is switched off`)],
      };
    }
    // git's default folder named again holds what it held (git's samples): no change.
    if (hooks.hooks.length === 0 && !hooks.defaultFolder) {
      return {
        outcome: 'fail',
        findings: [
          configFinding(
            hp,
            `core.hooksPath=${hp.value} (${hp.scope}) points at ${hooks.dir}, which holds no hooks: every hook is switched off`,
          ),
        ],
      };
    }
    if (hooks.bypassed?.length) {
      return {
        outcome: 'fail',
        findings: hooks.bypassed.map((h) =>
          configFinding(
            hp,
            `core.hooksPath=${hp.value} (${hp.scope}) points away from gitguard's ${h.name} hook in ${h.path}, which no longer runs`,
          ),
        ),
      };
    }
    if (!hooks.hooks.some((h) => h.executable && GIT_HOOKS.has(h.name)) && !hooks.defaultFolder) {
      return {
        outcome: 'fail',
        findings: [
          configFinding(
            hp,
            `core.hooksPath=${hp.value} (${hp.scope}) points at ${hooks.dir}, whose ${hooks.hooks.length} file(s) git runs none of (not executable, or not named as a hook): every hook is switched off`,
          ),
        ],
      };
    }
    const same = hooks.defaultFolder ? ", git's default folder" : '';
    return { outcome: 'pass', note: `hooks run from ${hooks.dir} (${hooks.source}${same})` };
  },
});
