import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { judge } from '../domain/judgement.js';
import { commitFinding } from './lib/trust-rule.js';
import { signatureRequired, tipRequiresSignatures } from './lib/commit.js';

// A release tag says "this is what we ship": an annotated tag must carry a good signature by an
// authorized signer whose identity is the tagger's, judged exactly like a commit: an unsigned one is
// a finding only where the judging policy requires signatures, as for commits-signed.
const GOOD = new Set(['authorized', 'goodlisted', 'forge']);
// Unlike a commit (judged by its parents' policy), a tag is judged by the policy at HEAD: removing a
// signer who left, or a key they replaced, turns what they signed red. The documented way keeps them.
const LEFT =
  ' (tags are judged by the policy at HEAD: if its signer left, keep them in it with retired: DATE; if the key was replaced, keep it beside the new one, an SSH key with valid-before)';

export default defineRepoRule({
  id: 'tags-signed',
  // 'signatures': the walk says whether the policy at HEAD, which judges the tags, passes on.
  needs: ['history', 'tags', 'signatures'],
  evaluate(facts, ctx) {
    if (!facts.tags) return notAvailable('tags were not collected');
    if (!facts.tags.ok) return notAvailable(facts.tags.reason);
    const tags = facts.tags.value;
    const lightweight = facts.history.ok
      ? facts.history.value.refs.filter((r) => r.name.startsWith('refs/tags/') && r.type !== 'tag').length
      : 0;
    if (tags.length === 0)
      return {
        outcome: 'not-applicable',
        note: `no annotated tags${lightweight ? ` (${lightweight} lightweight tag(s) cannot carry a signature)` : ''}`,
      };
    const found = new FindingList(ctx.findingLimit);
    const tipRequires = tipRequiresSignatures(facts);
    let judged = 0;
    let optional = 0;
    for (const t of tags) {
      if (!t.tag.signature && !signatureRequired(t.judged.trust, tipRequires)) {
        optional += 1;
        continue;
      }
      const j = t.judged.trust.mode === 'none' && t.tag.signature ? undefined : judge(t.judged);
      if (!j) continue; // signed, but nothing to check it against
      judged += 1;
      // A signature vouches for the name inside the tag. The same signed tag under another ref name
      // (an old release re-published as refs/tags/v2.0) is what git describe calls "externally
      // known as": the signer never tagged that name.
      const refName = t.ref.slice('refs/tags/'.length);
      if (GOOD.has(j.status) && t.tag.signature && t.tag.name !== refName) {
        found.add({
          ...commitFinding(
            t.judged,
            j,
            `${t.ref}: the signed tag names itself "${t.tag.name}", not "${refName}": a tag signed for another name`,
          ),
          ref: t.ref,
        });
        continue;
      }
      // The policy at HEAD judges tags: one no maintainer made (which may add the tagger's key) vouches for none.
      if (GOOD.has(j.status) && t.judged.trust.mode === 'policy' && ctx.policyVetted === false) {
        found.add({
          ...commitFinding(
            t.judged,
            j,
            `${t.ref}: judged by the policy at HEAD, which changed without a maintainer (policy-changes-authorized): its signer is not vouched for`,
          ),
          ref: t.ref,
        });
        continue;
      }
      if (GOOD.has(j.status)) continue;
      found.add({
        ...commitFinding(
          t.judged,
          j,
          `${t.ref}: ${j.status === 'unsigned' ? 'annotated tag is not signed' : `${j.status} (${j.verdict.letter}): ${j.detail}`}${j.status === 'unknown-signer' ? LEFT : ''}`,
        ),
        ref: t.ref,
      });
    }
    const unsignedNote = optional ? `, ${optional} unsigned where the policy sets require_signatures: false` : '';
    if (judged === 0 && optional === tags.length)
      return { outcome: 'pass', note: `${tags.length} annotated tag(s)${unsignedNote}` };
    if (judged === 0)
      return {
        outcome: 'not-applicable',
        note: 'every annotated tag is signed, but there is no policy and no --keyring/--allowed-signers to check them against',
      };
    return found.evaluation(
      'fail',
      `${tags.length} annotated tag(s)${lightweight ? `, ${lightweight} lightweight` : ''}${unsignedNote}`,
    );
  },
});
