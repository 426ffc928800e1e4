// Red-team round 149: commit objects written by hand (git hash-object --literally), each signed by
// the policy's own key or by an outsider's, read by git (`%G?` through ssh-keygen) and by gitguard
// (`verify`, and the audit's signature and identity rules) in one repository. No divergence was
// found; this keeps the answers: where git's letter is not G, gitguard's is not G either (it may say
// E, "cannot be judged", where git says B or N), where git's is G so is gitguard's, and an address git
// shows that is not alice's (a Cyrillic letter, a space or an invisible joiner inside the brackets)
// fails signer-matches-committer while one that differs from hers only in ASCII case does not.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain, parseJson, resultOf, type VerifyRow } from '../helpers/cli.js';
import {
  configureSshSigning,
  gitSshVerifyArgs,
  sharedSshKey,
  sshSign,
  writeCommitObject,
  type SshTestKey,
} from '../helpers/ssh.js';
import { ALICE_POLICY } from '../helpers/signing-repo.js';
import { join } from 'node:path';

afterAll(cleanupTemp);

const ALICE = 'Alice <alice@example.com> 1700000000 +0000';

/** How a case places the signature: after the committer line (as git does), or any other way. */
type Place = (head: string, armor: string[]) => string;
const folded = (name: string, armor: string[], lead = ' '): string => `${name} ${armor.join(`\n${lead}`)}\n`;
const asGit: Place = (head, armor) => head + folded('gpgsig', armor);

interface Case {
  name: string;
  committer?: string;
  signer?: 'alice' | 'mallory';
  place?: Place;
  /** What git's %G? says of it (checked, so the case tests what it claims). */
  git: string;
}

const CASES: Case[] = [
  { name: 'as git writes it (the twin)', git: 'G' },
  { name: 'signed by a key the policy does not name', signer: 'mallory', git: 'U' },
  {
    name: 'the signature only under gpgsig-sha256 in a sha1 repository',
    place: (h, a) => h + folded('gpgsig-sha256', a),
    git: 'N',
  },
  {
    name: 'gpgsig and gpgsig-sha256 both carrying it (the twin)',
    place: (h, a) => h + folded('gpgsig', a) + folded('gpgsig-sha256', a),
    git: 'G',
  },
  { name: 'continuation lines starting with a tab', place: (h, a) => h + folded('gpgsig', a, '\t'), git: 'B' },
  { name: 'the signature in a mergetag of a one-parent commit', place: (h, a) => h + folded('mergetag', a), git: 'N' },
  {
    name: 'a header after the signature, outside what was signed',
    place: (h, a) => `${h + folded('gpgsig', a)}x-extra one\n two\n`,
    git: 'B',
  },
  {
    name: 'armor lines ending in CR',
    place: (h, a) =>
      h +
      folded(
        'gpgsig',
        a.map((l) => `${l}\r`),
      ),
    git: 'B',
  },
  {
    name: 'a committer address with a Cyrillic a',
    committer: 'Alice <\u0430lice@example.com> 1700000000 +0000',
    git: 'G',
  },
  {
    name: 'a committer address with a trailing space',
    committer: 'Alice <alice@example.com > 1700000000 +0000',
    git: 'G',
  },
  {
    name: 'a committer address with a leading space',
    committer: 'Alice < alice@example.com> 1700000000 +0000',
    git: 'G',
  },
  {
    name: 'a committer address with a zero-width joiner',
    committer: 'Alice <alice\u200d@example.com> 1700000000 +0000',
    git: 'G',
  },
  {
    name: 'a committer address in capitals (the twin)',
    committer: 'Alice <ALICE@EXAMPLE.COM> 1700000000 +0000',
    git: 'G',
  },
];
/** The addresses that are alice's as gitguard compares them (ASCII case folded). */
const hers = (c: Case): boolean => (c.committer ?? ALICE).toLowerCase().includes('<alice@example.com>');

let r: TestRepo;
const ids = new Map<string, string>();

beforeAll(() => {
  const alice = sharedSshKey('alice');
  const mallory = sharedSshKey('mallory');
  r = makeRepo();
  configureSshSigning(r, alice);
  r.config({ 'commit.gpgSign': 'true' });
  r.commit('policy: alice signs', {
    '.gitguard/policy.yml': ALICE_POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
  });
  const tree = r.run(['rev-parse', 'HEAD^{tree}']);
  const parent = r.head();
  CASES.forEach((c, i) => {
    const head = `tree ${tree}\nparent ${parent}\nauthor ${ALICE}\ncommitter ${c.committer ?? ALICE}\n`;
    const message = `\ncase ${i}\n`;
    const armor = sshSign(c.signer === 'mallory' ? mallory : alice, head + message)
      .replace(/\n$/, '')
      .split('\n');
    const oid = writeCommitObject(r, Buffer.from((c.place ?? asGit)(head, armor) + message));
    r.run(['update-ref', `refs/heads/c${i}`, oid]);
    ids.set(c.name, oid);
  });
}, 60_000);

test('gitguard says G where git does, and never where git does not', async () => {
  const signers = join(r.dir, '.gitguard', 'allowed_signers');
  const git = new Map(
    r
      .run([...gitSshVerifyArgs(signers), 'log', '--no-walk', '--format=%H %G?', ...ids.values()])
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );
  const res = await runMain(['verify', '-C', r.dir, '--all', '--format', 'json', '--no-cache'], { env: r.env });
  const ours = new Map(parseJson<{ commits: VerifyRow[] }>(res).commits.map((x) => [x.commit, x.letter]));
  const seen = CASES.map((c) => {
    const oid = ids.get(c.name)!;
    return { name: c.name, git: git.get(oid), good: ours.get(oid) === 'G' };
  });
  expect(seen).toEqual(CASES.map((c) => ({ name: c.name, git: c.git, good: c.git === 'G' })));
  expect(res.code).toBe(1); // the refused and unsigned ones
});

test('an address git shows that is not alice fails signer-matches-committer; one in capitals passes', async () => {
  const res = await runMain(
    ['audit', '-C', r.dir, '--all', '--format', 'json', '--no-cache', '-r', 'signer-matches-committer'],
    { env: r.env },
  );
  const report = parseJson(res);
  const found = new Set(report.results[0]!.findings.map((f) => f.commit));
  const signedAsGit = CASES.filter((c) => c.git === 'G' && !c.place);
  expect(signedAsGit.map((c) => ({ name: c.name, flagged: found.has(ids.get(c.name)!) }))).toEqual(
    signedAsGit.map((c) => ({ name: c.name, flagged: !hers(c) })),
  );
});

// A merge of a signed tag (git merge --no-ff v1) carries the tag in a "mergetag" header. git checks
// its signature (`git log --show-signature`: good, for the key's owner) and compares no tagger, as
// for a tag under refs/tags; gitguard's tags-signed fails a tag signed by a policy key for another
// tagger, or by a signer after their retirement, and signer-matches-committer and
// signers-not-retired fail such a commit. mergetags-valid counted the same tag, merged, as "not vouched
// for by the policy or keys" and passed: Bob's key signing a tag as Alice, or Carol's after she
// retired, went into the history unflagged. Twin: Bob's tag as Bob passes.
describe('a merged tag signed by a policy key for another tagger, or by a retired signer', () => {
  let m: TestRepo;
  const merges = new Map<string, string>();

  beforeAll(() => {
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => sharedSshKey(n));
    m = makeRepo();
    configureSshSigning(m, alice!);
    m.config({ 'commit.gpgSign': 'true', 'tag.gpgSign': 'true' });
    m.commit('policy', {
      '.gitguard/policy.yml':
        'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n  - name: Carol\n    emails: [carol@example.com]\n    retired: 2023-06-30\nmaintainers: [Alice]\n',
      '.gitguard/allowed_signers': [alice!, bob!, carol!]
        .map((k, i) => `${['alice', 'bob', 'carol'][i]}@example.com ${k.pub}\n`)
        .join(''),
    });
    const tags: Array<[string, SshTestKey, string]> = [
      ['bob-as-alice', bob!, 'alice'],
      ['carol-retired', carol!, 'carol'],
      ['bob-as-bob', bob!, 'bob'],
    ];
    for (const [name, key, tagger] of tags) {
      m.run(['checkout', '-q', '-b', name, 'main']);
      m.run(['commit', '-q', '--allow-empty', '-m', `work for ${name}`]);
      const who = { GIT_COMMITTER_NAME: tagger, GIT_COMMITTER_EMAIL: `${tagger}@example.com` };
      m.run(['-c', `user.signingkey=${key.path}`, 'tag', '-s', '-m', name, `v-${name}`], { env: { ...m.env, ...who } });
      m.run(['checkout', '-q', 'main']);
      m.run(['merge', '-q', '--no-ff', '-m', `merge ${name}`, `v-${name}`]);
      m.run(['branch', '-q', '-D', name]);
      merges.set(name, m.head());
    }
  }, 60_000);

  test('mergetags-valid fails the merges tags-signed fails the tags of, and passes the twin', async () => {
    const res = await runMain(
      ['audit', '-C', m.dir, '--format', 'json', '--no-cache', '-r', 'mergetags-valid,tags-signed'],
      { env: m.env },
    );
    const report = parseJson(res);
    const merged = new Set(resultOf(report, 'mergetags-valid').findings.map((f) => f.commit));
    const tagged = new Set(resultOf(report, 'tags-signed').findings.map((f) => /v-([a-z-]+)/.exec(f.message)?.[1]));
    const seen = [...merges].map(([name, merge]) => ({ name, tag: tagged.has(name), merge: merged.has(merge) }));
    expect(seen).toEqual([
      { name: 'bob-as-alice', tag: true, merge: true },
      { name: 'carol-retired', tag: true, merge: true },
      { name: 'bob-as-bob', tag: false, merge: false },
    ]);
    // git calls each embedded signature good: it compares no tagger and knows no retirement.
    const shown = m.run([
      ...gitSshVerifyArgs(join(m.dir, '.gitguard', 'allowed_signers')),
      'log',
      '-1',
      '--show-signature',
      merges.get('bob-as-alice')!,
    ]);
    expect(shown).toMatch(/merged tag 'v-bob-as-alice'\nGood "git" signature for bob@example\.com/);
  });

  test('verify exits 1 on them, 0 on the twin', async () => {
    const verify = (range: string) =>
      runMain(['verify', '-C', m.dir, '--no-cache', range], { env: m.env }).then((r) => r.code);
    const codes = await Promise.all(
      [...merges].map(async ([name, merge]) => [name, await verify(`${merge}^..${merge}`)] as const),
    );
    expect(codes).toEqual([
      ['bob-as-alice', 1],
      ['carol-retired', 1],
      ['bob-as-bob', 0],
    ]);
  });
});
