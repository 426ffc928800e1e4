import rule from '../../src/rules/commits-signed.js';
import { available } from '../../src/domain/model.js';
import { commit, evaluate, factsWith, policyWith, runTable } from '../helpers/facts.js';

const signed = () => commit({ signatures: [{ header: 'gpgsig', armored: '-----BEGIN SSH SIGNATURE-----\n...\n' }] });

describe('commits-signed', () => {
  runTable(rule, [
    { name: 'passes when every commit carries a signature', commits: [signed(), signed()], outcome: 'pass' },
    {
      name: 'fails when one commit has no signature',
      commits: [signed(), commit({ subject: 'sneaky change' })],
      outcome: 'fail',
      findings: 1,
      mentions: ['sneaky change'],
    },
    {
      name: 'counts a merge with only a mergetag as unsigned',
      commits: [commit({ mergetags: ['object x\n'] })],
      outcome: 'fail',
      findings: 1,
    },
    { name: 'is not applicable when there are no commits in scope', commits: [], outcome: 'not-applicable' },
    {
      name: "passes an unsigned commit in the current policy's goodlist",
      commits: [signed(), commit({ oid: 'f'.repeat(40) })],
      facts: factsWith({
        policy: available(
          policyWith({ signers: [], goodlist: [{ commit: 'f'.repeat(40), reason: 'reviewed import' }] }),
        ),
      }),
      outcome: 'pass',
    },
    {
      name: 'still fails unsigned commits the goodlist does not name',
      commits: [commit({ oid: 'f'.repeat(40) }), commit({ oid: 'e'.repeat(40), subject: 'not listed' })],
      facts: factsWith({
        policy: available(
          policyWith({ signers: [], goodlist: [{ commit: 'f'.repeat(40), reason: 'reviewed import' }] }),
        ),
      }),
      outcome: 'fail',
      findings: 1,
      mentions: ['not listed'],
    },
    {
      name: 'passes unsigned commits when the policy at the tip does not require signatures',
      commits: [signed(), commit({ subject: 'unsigned but allowed' })],
      facts: factsWith({ policy: available(policyWith({ signers: [], requireSignatures: false })) }),
      outcome: 'pass',
    },
    {
      name: 'judges by the parent policy that judged the commit: one that requires signatures fails it',
      commits: [
        commit({
          subject: 'judged strictly',
          trust: {
            mode: 'policy',
            verifications: [
              { policy: policyWith({ signers: [] }), verdict: { letter: 'N', format: 'none', identities: [] } },
            ],
            policyChanged: false,
            trustRoot: false,
            changedPaths: [],
            ciGateRemoved: false,
          },
        } as never),
      ],
      facts: factsWith({ policy: available(policyWith({ signers: [], requireSignatures: false })) }),
      outcome: 'fail',
      findings: 1,
    },
    {
      name: 'judges by the parent policy that judged the commit: one that does not require signatures passes it',
      commits: [
        commit({
          subject: 'judged leniently',
          trust: {
            mode: 'policy',
            verifications: [
              {
                policy: policyWith({ signers: [], requireSignatures: false }),
                verdict: { letter: 'N', format: 'none', identities: [] },
              },
            ],
            policyChanged: false,
            trustRoot: false,
            changedPaths: [],
            ciGateRemoved: false,
          },
        } as never),
      ],
      outcome: 'pass',
    },
  ]);

  test('keeps only the finding limit in full but counts every unsigned commit', () => {
    const commits = Array.from({ length: 250 }, () => commit());
    const ev = evaluate(rule, factsWith(), commits);
    expect(ev.findings).toHaveLength(100);
    expect(ev.findingCount).toBe(250);
    expect(ev.note).toBe('250 of 250 commits have no signature');
  });
});
