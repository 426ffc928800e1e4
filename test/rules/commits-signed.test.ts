import rule from '../../src/rules/commits-signed.js';
import { commit, evaluate, factsWith, runTable } from '../helpers/facts.js';

const signed = () => commit({ signatures: [{ header: 'gpgsig', armored: '-----BEGIN SSH SIGNATURE-----\n...\n' }] });

describe('commits-signed', () => {
  runTable(rule, [
    { name: 'passes when every commit carries a signature', commits: [signed(), signed()], outcome: 'pass' },
    { name: 'fails when one commit has no signature', commits: [signed(), commit({ subject: 'sneaky change' })], outcome: 'fail', findings: 1, mentions: ['sneaky change'] },
    { name: 'counts a merge with only a mergetag as unsigned', commits: [commit({ mergetags: ['object x\n'] })], outcome: 'fail', findings: 1 },
    { name: 'is not applicable when there are no commits in scope', commits: [], outcome: 'not-applicable' },
  ]);

  test('keeps only the finding limit in full but counts every unsigned commit', () => {
    const commits = Array.from({ length: 250 }, () => commit());
    const ev = evaluate(rule, factsWith(), commits);
    expect(ev.findings).toHaveLength(100);
    expect(ev.findingCount).toBe(250);
    expect(ev.note).toBe('250 of 250 commits have no signature');
  });
});
