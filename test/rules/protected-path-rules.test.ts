// Protected paths and the CI gate, over hand-built trust facts.
import protectedPaths from '../../src/rules/protected-paths-changed-by-maintainers.js';
import ciGateKept from '../../src/rules/ci-gate-kept.js';
import policyChanges from '../../src/rules/policy-changes-authorized.js';
import { policyWeakenings } from '../../src/domain/policy-diff.js';
import { watchList, coveredBy } from '../../src/domain/protected-paths.js';
import { as, good, policyWith, runTable, sshSigner, trusted } from '../helpers/facts.js';

const alice = sshSigner('alice', 'alice@example.com');
const bob = sshSigner('bob', 'bob@example.com');
const paths = ['.gitguard/**', 'CODEOWNERS', '.github/workflows/**', '.githooks/**'];
const policy = policyWith({ signers: [alice, bob], maintainers: ['alice'], protected: { refs: [], paths } });
const byAlice = { committer: as('Alice', 'alice@example.com') };
const byBob = { committer: as('Bob', 'bob@example.com') };

describe('protected-paths-changed-by-maintainers', () => {
  runTable(protectedPaths, [
    {
      name: 'passes a workflow change signed by a maintainer',
      commits: [trusted(good('alice'), policy, byAlice, { changedPaths: ['.github/workflows'] })],
      outcome: 'pass',
    },
    {
      name: 'fails a workflow change by a signer who is not a maintainer',
      commits: [trusted(good('bob'), policy, byBob, { changedPaths: ['.github/workflows'] })],
      outcome: 'fail',
      mentions: ['changes protected .github/workflows', 'bob, not a maintainer'],
    },
    {
      name: 'fails a CODEOWNERS change by an unknown key',
      commits: [trusted(good('mallory'), policy, byBob, { changedPaths: ['CODEOWNERS'] })],
      outcome: 'fail',
      mentions: ['unknown-signer'],
    },
    {
      name: 'ignores paths the parent policy does not protect',
      commits: [trusted(good('bob'), policy, byBob, { changedPaths: ['.gitlab-ci.yml'] })],
      outcome: 'pass',
    },
    {
      name: 'passes ordinary commits by anyone authorized',
      commits: [trusted(good('bob'), policy, byBob)],
      outcome: 'pass',
    },
    {
      name: 'is not applicable without a policy',
      commits: [
        trusted(good('k', { identities: ['bob@example.com'] }), undefined, byBob, { changedPaths: ['CODEOWNERS'] }),
      ],
      outcome: 'not-applicable',
    },
  ]);
});

describe('ci-gate-kept', () => {
  runTable(ciGateKept, [
    {
      name: 'passes a removal of the gitguard step signed by a maintainer',
      commits: [trusted(good('alice'), policy, byAlice, { ciGateRemoved: true, changedPaths: ['.github/workflows'] })],
      outcome: 'pass',
    },
    {
      name: 'fails a removal of the gitguard step by a non-maintainer',
      commits: [trusted(good('bob'), policy, byBob, { ciGateRemoved: true, changedPaths: ['.github/workflows'] })],
      outcome: 'fail',
      mentions: ['removes the gitguard step'],
    },
    {
      name: 'fails any removal when there is no policy',
      commits: [
        trusted(good('k', { identities: ['*'] }), undefined, byBob, {
          ciGateRemoved: true,
          changedPaths: ['.gitlab-ci.yml'],
        }),
      ],
      outcome: 'fail',
    },
    {
      name: 'passes when the gate stays',
      commits: [trusted(good('bob'), policy, byBob, { changedPaths: ['.github/workflows'] })],
      outcome: 'pass',
    },
  ]);
});

describe('policy weakenings are named in policy-changes-authorized findings', () => {
  const after = policyWith({
    signers: [alice, bob, sshSigner('mallory', 'mallory@example.com')],
    maintainers: ['alice', 'mallory'],
    requireSignatures: false,
    protected: { refs: [], paths: ['.gitguard/**'] },
  });
  runTable(policyChanges, [
    {
      name: 'names what a non-maintainer gave away',
      commits: [trusted(good('bob'), policy, byBob, { policyChanged: true, ownPolicy: after })],
      outcome: 'fail',
      mentions: [
        'drops require_signatures',
        'adds signer mallory',
        'adds maintainer mallory',
        'stops protecting CODEOWNERS, .github/workflows/**, .githooks/**',
      ],
    },
  ]);
  test('a deleted policy is named as such', () => {
    expect(policyWeakenings(policy, undefined)).toEqual(['deletes the policy']);
  });
  test('an unchanged policy gives nothing away', () => {
    expect(policyWeakenings(policy, policy)).toEqual([]);
  });
});

describe('watched paths', () => {
  test('watch each pattern at its literal prefix and fold nested ones', () => {
    expect(
      watchList([
        '.gitguard/**',
        '.github/workflows/**',
        '.github/workflows/ci.yml',
        'CODEOWNERS',
        '*.md',
        'docs/*/CODEOWNERS',
      ]),
    ).toEqual({
      paths: ['.gitguard', '.github/workflows', 'CODEOWNERS', 'docs'],
      unwatchable: ['*.md'],
    });
  });
  test('a change at a watched path is covered by the patterns it came from', () => {
    expect(coveredBy('.github/workflows', '.github/workflows/**')).toBe(true);
    expect(coveredBy('CODEOWNERS', '.github/CODEOWNERS')).toBe(false);
    expect(coveredBy('.github', '.github/CODEOWNERS')).toBe(true);
  });
});
