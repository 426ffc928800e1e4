import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { effective, gitBool } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// core.protectNTFS defaults to true everywhere since git 2.24.1; core.protectHFS only on macOS.
export default defineRepoRule({
  id: 'ntfs-hfs-protection-enabled',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    const unset: string[] = [];
    for (const [key, name, defaultOn] of [
      ['core.protectntfs', 'core.protectNTFS', true],
      ['core.protecthfs', 'core.protectHFS', facts.platform === 'macos'],
    ] as const) {
      const e = effective(facts.config.value, key);
      if (e && gitBool(e.value) === false) {
        found.add(
          configFinding(
            e,
            `${name} is switched off (${e.scope}): a crafted tree can write into .git through a name this filesystem treats as ".git"`,
          ),
        );
      } else if (!e && !defaultOn) unset.push(name);
    }
    if (found.count) return found.evaluation();
    if (unset.length) {
      return {
        outcome: 'warn',
        findings: unset.map((name) => ({
          message: `${name} is not set and is off by default on this platform`,
          evidence: { key: name.toLowerCase(), value: null, scope: 'none' },
        })),
        note: `missing hardening: ${unset.map((n) => `git config --global ${n} true`).join('; ')}`,
      };
    }
    return { outcome: 'pass' };
  },
});
