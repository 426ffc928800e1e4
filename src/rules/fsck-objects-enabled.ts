import type { ConfigEntry } from '../domain/model.js';
import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { effective, gitBool } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// fetch.* and receive.* fall back to transfer.fsckObjects when unset (git-config(1)).
const CHECKS: Array<{ direction: string; keys: string[] }> = [
  { direction: 'fetch', keys: ['fetch.fsckobjects', 'transfer.fsckobjects'] },
  { direction: 'receive', keys: ['receive.fsckobjects', 'transfer.fsckobjects'] },
];

export default defineRepoRule({
  id: 'fsck-objects-enabled',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const config = facts.config.value;
    const off = new FindingList(ctx.findingLimit);
    const unset: string[] = [];
    const reported = new Set<ConfigEntry>();
    for (const { direction, keys } of CHECKS) {
      const decider = keys.map((k) => effective(config, k)).find((e) => e !== undefined);
      if (!decider) unset.push(direction);
      else if (gitBool(decider.value) === false && !reported.has(decider)) {
        reported.add(decider);
        off.add(
          configFinding(
            decider,
            `object checking on ${decider.key.startsWith('transfer') ? 'fetch and receive' : direction} is switched off: ${decider.key}=${decider.value ?? ''} (${decider.scope})`,
          ),
        );
      }
    }
    if (off.count) return off.evaluation('fail');
    if (unset.length) {
      return {
        outcome: 'warn',
        findings: [
          {
            message: `objects received on ${unset.join(' and ')} are not checked: transfer.fsckObjects is not set (git's default is off)`,
            evidence: { key: 'transfer.fsckobjects', value: null, scope: 'none' },
          },
        ],
        note: 'missing hardening: git config --global transfer.fsckObjects true',
      };
    }
    return { outcome: 'pass' };
  },
});
