import { defineRepoRule } from './define.js';
import { notAServer } from './lib/server.js';
import { notAvailable } from './lib/findings.js';

// On a server, gitguard's pre-receive hook (installed by `gitguard hook install --server`) checks
// every pushed update; it carries the same marker as the pre-push hook (src/collect/hook-marker.ts).
export default defineRepoRule({
  id: 'server-hook-installed',
  needs: ['hooks', 'config'],
  evaluate(facts) {
    const notServer = notAServer(facts);
    if (notServer) return { outcome: 'not-applicable', note: notServer };
    if (!facts.hooks.ok) return notAvailable(facts.hooks.reason);
    const { dir, source, hooks } = facts.hooks.value;
    const hook = hooks.find((h) => h.name === 'pre-receive');
    if (!hook)
      return {
        outcome: 'fail',
        findings: [{ message: `no pre-receive hook in ${dir} (${source}): pushes are accepted unchecked`, file: dir }],
      };
    const evidence = { hook: hook.path, marker: hook.marker ?? 'absent', executable: hook.executable };
    if (hook.marker === 'modified')
      return {
        outcome: 'fail',
        findings: [
          {
            message: `gitguard's pre-receive hook was modified after it was installed: ${hook.path}`,
            file: hook.path,
            evidence,
          },
        ],
      };
    if (hook.marker !== 'valid')
      return {
        outcome: 'fail',
        findings: [{ message: `the pre-receive hook is not gitguard's: ${hook.path}`, file: hook.path, evidence }],
      };
    if (!hook.executable)
      return {
        outcome: 'fail',
        findings: [
          {
            message: `gitguard's pre-receive hook is not executable, so git skips it: ${hook.path}`,
            file: hook.path,
            evidence,
          },
        ],
      };
    return { outcome: 'pass', note: `gitguard's pre-receive hook is installed in ${dir} (${source})` };
  },
});
