import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { effective, gitBool } from '../domain/config.js';
import { notAvailable } from './lib/findings.js';

// submodule.recurse makes checkout, pull and friends clone and update submodules on their own; with
// protocol.file.allow=always those submodules may come from local paths, the combination behind
// CVE-2022-39253 (and the symlink/hook tricks of CVE-2024-32002).
export default defineRepoRule({
  id: 'submodule-recursion-safe',
  needs: ['config'],
  evaluate(facts) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const config = facts.config.value;
    const recurse = effective(config, 'submodule.recurse');
    const file = effective(config, 'protocol.file.allow');
    if (!recurse || gitBool(recurse.value) !== true || !file || file.value?.trim().toLowerCase() !== 'always')
      return { outcome: 'pass' };
    return {
      outcome: 'fail',
      findings: [
        configFinding(
          recurse,
          `submodule.recurse=${recurse.value ?? '(true)'} (${recurse.scope}) together with protocol.file.allow=always (${file.scope}): everyday commands fetch submodules from local paths`,
        ),
      ],
    };
  },
});
