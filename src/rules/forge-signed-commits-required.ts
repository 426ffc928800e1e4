import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-signed-commits-required',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) =>
    judgeControl(facts, ctx, 'signatures', (f) =>
      f.policy.requireSignatures
        ? {}
        : 'the policy does not require signatures on the forge (forge.require_signatures: false)',
    ),
});
