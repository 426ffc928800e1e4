import { defineRepoRule } from './define.js';
import { judgeRecordedRefs } from './lib/ledger.js';
import { floatingMoveRefusal } from './lib/floating-tag.js';

export default defineRepoRule({
  id: 'tags-not-moved',
  needs: ['history', 'ledger', 'tags'],
  evaluate(facts, ctx) {
    const released: string[] = [];
    const ev = judgeRecordedRefs(facts, ctx.findingLimit, (r) => {
      // A tag pushed alone updates no remote-tracking ref: nothing here tells that it was never
      // published, so a recorded tag moved is a move (`gitguard ledger accept` records a re-tag).
      if (r.kind !== 'tag' || !r.recorded || !r.current || r.current === r.recorded) return undefined;
      // What the policy at HEAD allows counts only when no unvetted policy change may have written it.
      const why = !r.floating
        ? undefined
        : ctx.policyVetted
          ? floatingMoveRefusal(facts.tags, r)
          : 'the policy listing it is not vetted (policy-changes-authorized did not run or did not pass)';
      if (r.floating && why === undefined) {
        released.push(r.name);
        return undefined;
      }
      return {
        ref: r.name,
        commit: r.current,
        message: `tag ${r.name} was moved: it pointed at ${r.recorded}, now at ${r.current}${why ? ` (a floating tag may move only forward, as a maintainer's signed tag: ${why})` : ''}`,
        evidence: { recorded: r.recorded, current: r.current },
      };
    });
    // A floating tag's release is said, not silently passed.
    if (!released.length) return ev;
    const said = `floating tag(s) moved forward by a maintainer's signed tag (protected.floating_tags): ${released.slice(0, 5).join(', ')}${released.length > 5 ? ', ...' : ''}`;
    return { ...ev, note: ev.note ? `${ev.note}; ${said}` : said };
  },
});
