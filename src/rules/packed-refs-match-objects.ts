import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';

// git takes a packed tag's peel from packed-refs' `^` line (show-ref -d, ls-remote, a served fetch,
// describe), not from the tag: a line that is not the object's own peel shows another history.
export default defineRepoRule({
  id: 'packed-refs-match-objects',
  needs: ['history'],
  evaluate(facts, ctx) {
    if (!facts.history.ok) return notAvailable(facts.history.reason);
    const packed = facts.history.value.packedPeels;
    if (!packed) return { outcome: 'pass', note: 'no packed-refs' };
    const list = new FindingList(ctx.findingLimit);
    if (packed.unreadable)
      list.add({
        file: packed.file,
        message: `a packed-refs file is present that gitguard will not read: ${packed.unreadable}`,
        evidence: { file: packed.file },
      });
    for (const l of packed.lies) {
      const git = l.claimed ? `peels to ${l.claimed}` : 'peels to nothing';
      const own = l.peeled ? `its tag ${l.oid} names ${l.peeled}` : `${l.oid} is not a tag`;
      list.add({
        file: packed.file,
        ...(l.peeled ? { commit: l.peeled } : {}),
        message: `packed-refs says ${l.ref} ${git}, but ${own}: git show-ref -d, ls-remote, describe and a fetch served from here answer the file's`,
        evidence: { ref: l.ref, oid: l.oid, claimed: l.claimed ?? '', peeled: l.peeled ?? '' },
      });
    }
    return list.evaluation(
      'fail',
      `${packed.checked} packed ref(s) whose peel git takes from packed-refs checked against the objects`,
    );
  },
});
