import { defineRepoRule } from './define.js';
import { configFinding, unsetStep } from './lib/config.js';
import { effective } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// git-config(1) protocol.allow / protocol.<name>.allow: "always", "never" or "user". ext:: runs an
// arbitrary command; file:// is what the submodule attacks of CVE-2022-39253 rely on. ext's default
// is never, file's is always except for submodules (user), and protocol.allow is the default for
// every protocol without its own policy.
export default defineRepoRule({
  id: 'protocols-restricted',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const config = facts.config.value;
    const found = new FindingList(ctx.findingLimit);
    // Each finding's next step names its own key and scope: the rule's steps cannot know which was found.
    const add = (e: NonNullable<ReturnType<typeof effective>>, message: string): void =>
      found.add(configFinding(e, `${message}; next: ${unsetStep(e)}`));
    const value = (key: string): { e: ReturnType<typeof effective>; v: string | undefined } => {
      const e = effective(config, key);
      return { e, v: e?.value?.trim().toLowerCase() };
    };
    const all = value('protocol.allow');
    const ext = value('protocol.ext.allow');
    const file = value('protocol.file.allow');
    if (all.e && all.v === 'always') {
      add(
        all.e,
        `protocol.allow=always (${all.e.scope}): every transport without its own policy is allowed${ext.e ? '' : ', including ext:: which runs arbitrary commands'}`,
      );
    }
    if (ext.e && ext.v !== 'never') {
      add(
        ext.e,
        `protocol.ext.allow=${ext.e.value ?? '(true)'} (${ext.e.scope}): ext:: URLs (for example in a submodule) run arbitrary commands`,
      );
    }
    if (file.e && file.v === 'always') {
      add(
        file.e,
        `protocol.file.allow=always (${file.e.scope}): submodules may use local-file URLs again (CVE-2022-39253)`,
      );
    }
    return found.evaluation();
  },
});
