import { defineRepoRule } from './define.js';
import { shellWord } from '../domain/shell-word.js';
import { FindingList } from './lib/findings.js';
import { isEvaluation, ledgerFacts } from './lib/ledger.js';

/** A rewrite of commits no remote-tracking ref has, whose record starts after the tip was recorded
 *  (a first fetch since the clone): a push before it is not ruled out, so it fails, and says what to do. */
const unknown = (ref: string, from: number | undefined): string =>
  from === undefined
    ? ''
    : ` (no remote-tracking ref has them; their record starts later: never pushed? gitguard ledger accept ${shellWord(ref)})`;

export default defineRepoRule({
  id: 'protected-refs-not-rewritten',
  needs: ['history', 'ledger'],
  evaluate(facts, ctx) {
    const l = ledgerFacts(facts);
    if (isEvaluation(l)) return l;
    const list = new FindingList(ctx.findingLimit);
    // --base in a CI push pipeline of a branch nothing protects is not applied: the note says why.
    const unheld = l.baseUnprotected ? `--base not applied: ${l.baseUnprotected}; ` : '';
    if (l.fresh && !l.base)
      return {
        outcome: 'not-applicable',
        note: `${unheld}no ledger yet (${l.file}): an audit whose history and signature rules pass records the protected tips`,
      };
    for (const r of l.base ? [l.base, ...l.refs] : l.refs) {
      if (!r.rewritten || !r.recorded) continue;
      const what =
        r === l.base
          ? `HEAD does not descend from --base ${r.recorded.slice(0, 12)}:`
          : r.kind === 'remote'
            ? 'remote-tracking branch'
            : 'protected branch';
      if (r.rewritten.recordedMissing) {
        list.add({
          ref: r.name,
          commit: r.recorded,
          message: `${what} ${r.name} was rewritten: its recorded tip ${r.recorded} is no longer in the repository`,
          evidence: { recorded: r.recorded, current: r.current ?? null },
        });
        continue;
      }
      const sample = r.rewritten.commits.map((c) => `${c.oid.slice(0, 12)} "${c.subject}" by ${c.author}`).join('; ');
      const more =
        r.rewritten.lost > r.rewritten.commits.length
          ? `; and ${r.rewritten.lost - r.rewritten.commits.length} more`
          : '';
      list.add({
        ref: r.name,
        commit: r.recorded,
        message: `${r === l.base ? what : `${what} ${r.name} was rewritten:`} ${r.rewritten.lost} commit(s) of its recorded tip ${r.recorded.slice(0, 12)} vanished: ${sample}${more}${unknown(r.name, r.rewritten.recordFrom)}`,
        evidence: {
          recorded: r.recorded,
          current: r.current ?? null,
          lost: r.rewritten.lost,
          ...(r.rewritten.recordFrom === undefined
            ? {}
            : { recordFrom: new Date(r.rewritten.recordFrom * 1000).toISOString() }),
          ...Object.fromEntries(r.rewritten.commits.map((c, i) => [`lost${i + 1}`, `${c.oid} ${c.subject}`])),
        },
      });
    }
    if (l.fresh) return list.evaluation('fail', `HEAD checked against --base; no ledger yet (${l.file})`);
    return list.evaluation(
      'fail',
      `${l.base ? 'HEAD checked against --base; ' : unheld}${l.refs.filter((r) => r.kind !== 'tag').length} protected branch(es) checked against ${l.file} (${l.globSource} globs: ${l.globs.join(', ')})`,
    );
  },
});
