import type { Finding } from '../domain/model.js';
import type { Verdict } from '../domain/signature.js';
import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { algorithmsKnown, signatureWeaknesses, weakDigest, weakKey } from './lib/weak-crypto.js';

const describeKey = (v: Verdict): string => v.signingKey ?? v.signer ?? 'unknown key';

export default defineCommitRule({
  id: 'signature-algorithms-strong',
  needs: ['signatures', 'tags', 'policy'],
  start(facts, ctx, resume) {
    const found = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ signed: 0, unread: 0 }, resume);
    // One signature may be judged under several parent policies; its algorithms are the same.
    const signatureOf = (verifications: Array<{ verdict: Verdict }> | undefined): Verdict | undefined =>
      verifications?.map((x) => x.verdict).find((v) => v.letter !== 'N' && algorithmsKnown(v)) ??
      verifications?.map((x) => x.verdict).find((v) => v.letter !== 'N');
    const judge = (v: Verdict | undefined, where: Omit<Finding, 'message'>, what: string): void => {
      if (!v) return;
      n.signed += 1;
      if (!algorithmsKnown(v)) {
        n.unread += 1;
        return;
      }
      const weak = signatureWeaknesses(v);
      if (weak.length) {
        found.add({
          ...where,
          message: `${what} is signed with a ${weak.join(', ')} (${v.format} key ${describeKey(v)})`,
          evidence: {
            format: v.format,
            key: describeKey(v),
            digest: v.hashAlgorithm ?? null,
            keyAlgorithm: v.keyAlgorithm ?? null,
            keyBits: v.keyBits ?? null,
            sshSignatureAlgorithm: v.sshSignatureAlgorithm ?? null,
          },
        });
      }
    };
    return {
      visit(c) {
        judge(signatureOf(c.trust?.verifications), { commit: c.oid }, `commit ${c.oid.slice(0, 12)}`);
      },
      // Taken before finish(), which adds the tags and keys at the tip: those are judged afresh every run.
      save: () => ({ counts: { ...n }, findings: { ...found.save(), items: [...found.items] } }),
      finish() {
        if (facts.tags?.ok) {
          for (const t of facts.tags.value)
            judge(signatureOf(t.judged.trust.verifications), { ref: t.ref, commit: t.tag.oid }, `tag ${t.ref}`);
        }
        let keys = 0;
        const policy = facts.policy?.ok ? facts.policy.value : undefined;
        for (const k of policy?.keyring?.keys() ?? []) {
          keys += 1;
          const certDigests = (k.selfSignatureHashes ?? []).map(weakDigest).filter((d): d is string => d !== undefined);
          const key = weakKey(k.algorithm, k.bits);
          const problems = [
            ...(certDigests.length ? [`its self-signatures use ${[...new Set(certDigests)].join(', ')}`] : []),
            ...(key ? [`it is a ${key}`] : []),
          ];
          if (problems.length) {
            found.add({
              message: `trusted OpenPGP key ${k.fingerprint} in the policy at HEAD: ${problems.join('; ')}`,
              ...(k.files[0] ? { file: k.files[0] } : {}),
              evidence: {
                key: k.fingerprint,
                selfSignatureDigests: (k.selfSignatureHashes ?? []).join(','),
                keyAlgorithm: k.algorithm ?? null,
                keyBits: k.bits ?? null,
              },
            });
          }
        }
        const { signed, unread } = n;
        if (!signed && !keys)
          return { outcome: 'not-applicable', note: 'no signed commits or tags in scope and no trusted OpenPGP keys' };
        const note = `${signed} signature(s) checked${keys ? `, ${keys} trusted key(s)` : ''}${unread ? `; ${unread} not readable without the signer's key (supply it with --keyring/--allowed-signers or the policy)` : ''}`;
        return found.evaluation('fail', note);
      },
    };
  },
});
