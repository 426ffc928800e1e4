import { defineRepoRule } from './define.js';
import { notAvailable } from './lib/findings.js';

// gitguard's pre-push hook carries a marker line with the hash of the rest of the file
// (src/collect/hook-marker.ts): a valid marker is gitguard's hook as installed, a wrong hash is a
// hook someone edited after install. A server (bare repository, --server) has no pre-push: see
// server-hook-installed. A bare repository with linked worktrees is a clone people push from.
export default defineRepoRule({
  id: 'gitguard-hook-installed',
  needs: ['hooks'],
  evaluate(facts) {
    if ((facts.repository.bare || facts.server) && !facts.repository.linkedWorktrees)
      return {
        outcome: 'not-applicable',
        note: 'a server runs the pre-receive hook (server-hook-installed), not pre-push',
      };
    if (!facts.hooks.ok) return notAvailable(facts.hooks.reason);
    const { dir, source, hooks } = facts.hooks.value;
    const hook = hooks.find((h) => h.name === 'pre-push');
    const where = dir ? `${dir} (${source})` : `no folder (${source} is empty: git runs no hook)`;
    if (!hook) {
      return {
        outcome: 'warn',
        findings: [
          {
            message: `no pre-push hook in ${where}: pushes are not checked (missing hardening: gitguard hook install)`,
            file: dir,
          },
        ],
      };
    }
    const evidence = { hook: hook.path, marker: hook.marker ?? 'absent', executable: hook.executable };
    if (hook.marker === 'modified' || hook.manager?.modified) {
      const path = hook.manager?.modified ? hook.manager.config : hook.path;
      return {
        outcome: 'fail',
        findings: [
          {
            message: `gitguard's pre-push hook was modified after it was installed: ${path}`,
            file: path,
            evidence,
          },
        ],
      };
    }
    // The environment git runs the hook in makes the manager skip gitguard: no push is checked.
    if (hook.manager?.skippedBy) {
      const path = hook.manager.config;
      return {
        outcome: 'fail',
        findings: [
          {
            message: `${hook.manager.name}'s pre-push hook (${hook.path}) is switched off: ${hook.manager.skippedBy} in the environment makes it run no gitguard on push (${path})`,
            file: path,
            evidence: { ...evidence, manager: hook.manager.name, skippedBy: hook.manager.skippedBy },
          },
        ],
      };
    }
    // A hook manager's hook (husky, lefthook, pre-commit) runs gitguard from the manager's own file, as
    // the README says to set them up: no marker to check there, the line that runs it is the evidence.
    const manager = hook.manager;
    if (hook.marker !== 'valid' && manager?.gitguard) {
      return {
        outcome: 'pass',
        note: `${manager.name}'s pre-push hook (${hook.path}) runs gitguard hook run pre-push: ${manager.config} ${manager.gitguard}`,
      };
    }
    if (hook.marker !== 'valid') {
      const managed = manager
        ? ` (${manager.name}'s, which does not run gitguard: add gitguard hook run pre-push to ${manager.config} as the README shows for ${manager.name})`
        : '';
      return {
        outcome: 'warn',
        findings: [
          {
            message: `a pre-push hook exists that is not gitguard's: ${hook.path}${managed}`,
            file: hook.path,
            evidence: manager ? { ...evidence, manager: manager.name, config: manager.config } : evidence,
          },
        ],
      };
    }
    if (!hook.executable) {
      return {
        outcome: 'fail',
        findings: [
          {
            message: `gitguard's pre-push hook is not executable, so git skips it: ${hook.path}`,
            file: hook.path,
            evidence,
          },
        ],
      };
    }
    return { outcome: 'pass', note: `gitguard's pre-push hook is installed in ${where}` };
  },
});
