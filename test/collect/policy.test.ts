// The trust policy parser: a realistic policy round-trip with real keys (gpg, ssh-keygen, GitHub's
// published web-flow keys), who owns which key, and one failing case per validation rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, parsePolicyTime, PolicyError, type PolicyFiles } from '../../src/collect/policy.js';
import {
  DEFAULT_PROTECTED_PATHS,
  DEFAULT_PROTECTED_REFS,
  forgeFor,
  isMaintainer,
  signersForOpenPgp,
  signersForSsh,
  type Policy,
  type Signer,
} from '../../src/domain/policy.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';

const OPENPGP = new URL('../fixtures/openpgp/', import.meta.url).pathname;
const WEB_FLOW = readFileSync(join(OPENPGP, 'web-flow.gpg'));
const WEB_FLOW_NEW = '968479A1AFF927E37D1A566BB5690EEEBB952194'; // GitHub <noreply@github.com>, 2024-
const WEB_FLOW_OLD = '5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23'; // expired 2024-01-16
const LABEL = '.gitguard at 1a2b3c4';
const YML = '.gitguard/policy.yml at 1a2b3c4';

let gpg: Gpg;
const fpr: Record<'alice' | 'bob' | 'carol' | 'carolSub' | 'mallory' | 'multi', string> = {
  alice: '',
  bob: '',
  carol: '',
  carolSub: '',
  mallory: '',
  multi: '',
};
let keyFiles: Record<string, Buffer> = {};
let dave: SshTestKey;
let erin: SshTestKey;
let allowed: string;

beforeAll(() => {
  const dir = tempDir('gg-pol-');
  gpg = makeGpg(join(dir, 'g'));
  fpr.alice = gpg.genKey('Alice Example <Alice@Example.com>', 'ed25519');
  fpr.bob = gpg.genKey('Bob Builder <bob@example.com>', 'nistp256');
  fpr.carol = gpg.genKey('Carol <carol@example.com>', 'ed25519', { usage: 'cert' });
  fpr.carolSub = gpg.addSubkey(fpr.carol, 'ed25519', { usage: 'sign' });
  fpr.mallory = gpg.genKey('Mallory <mallory@evil.test>', 'ed25519');
  fpr.multi = gpg.genKey('Multi One <multi1@example.com>', 'ed25519');
  gpg.run(['--quick-add-uid', fpr.multi, 'Frank <frank@example.com>']);
  keyFiles = {
    'alice.asc': gpg.run(['--armor', '--export', fpr.alice]),
    'bob.gpg': gpg.exportPublic(fpr.bob),
    'carol.asc': gpg.run(['--armor', '--export', fpr.carol]),
    'mallory.asc': gpg.run(['--armor', '--export', fpr.mallory]),
    'multi.asc': gpg.run(['--armor', '--export', fpr.multi]),
    'github-web-flow.gpg': WEB_FLOW,
  };
  dave = makeSshKey(dir, 'ed25519', 'dave');
  erin = makeSshKey(dir, 'ecdsa-256', 'erin');
  allowed = [
    '# team SSH keys',
    `dave@example.com ${dave.pub}`,
    `erin@example.com,erin@old.example namespaces="git" ${erin.pub}`,
    '',
  ].join('\n');
});
afterAll(() => {
  gpg?.kill();
  cleanupTemp();
});

const spaced = (f: string): string => f.match(/.{4}/g)!.join(' ');

function files(policyYml: string | undefined, over: Partial<PolicyFiles> = {}): PolicyFiles {
  return {
    label: LABEL,
    policyYml,
    keys: Object.entries(keyFiles).map(([name, data]) => ({ name, data })),
    allowedSigners: allowed,
    ...over,
  };
}

const parse = (yml: string, over: Partial<PolicyFiles> = {}): Promise<Policy | undefined> =>
  parsePolicy(files(yml, over));

async function must(yml: string, over: Partial<PolicyFiles> = {}): Promise<Policy> {
  const p = await parse(yml, over);
  if (!p) throw new Error('no policy');
  return p;
}

async function failure(yml: string, over: Partial<PolicyFiles> = {}): Promise<string> {
  try {
    await parse(yml, over);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('the policy was accepted');
}

const realistic = (): string => `# gitguard trust policy
version: 1
identity: both
require_signatures: true
trust_root: 3F2A9C0B6E1D4F5A7B8C9D0E1F2A3B4C5D6E7F80
signers:
  - name: Alice Example
    emails: [alice@example.com, Alice@Users.Noreply.GitHub.com]
    openpgp: ["${spaced(fpr.alice)}"]
  - name: Bob Builder
    emails: [bob@example.com]
  - name: Carol
    emails: [carol@example.com]
    openpgp: [${fpr.carol.toLowerCase()}]
    retired: 2025-06-01
  - emails: [dave@example.com]
    ssh: ["${dave.fingerprint}"]
  - name: Erin
    emails: [erin@example.com]
    retired: 2024-03-01T12:30:00+02:00
maintainers: [alice@example.com, Carol]
forges:
  - name: GitHub
    committer: noreply@github.com
    openpgp: [${WEB_FLOW_NEW}, ${WEB_FLOW_OLD}]
goodlist:
  - commit: 0123456789abcdef0123456789abcdef01234567
    reason: imported from the old server, reviewed 2025-01-10
severity:
  commits-signed: critical
  history-rewrite: low
protected:
  refs: [refs/heads/main, refs/heads/release/*, refs/tags/*]
  paths: [.github/workflows/**, CODEOWNERS]
`;

describe('a realistic policy', () => {
  let p: Policy;
  beforeAll(async () => {
    p = await must(realistic());
  });

  test('round-trips every field', () => {
    expect(p.version).toBe(1);
    expect(p.label).toBe(LABEL);
    expect(p.identity).toBe('both');
    expect(p.requireSignatures).toBe(true);
    expect(p.trustRoot).toBe('3f2a9c0b6e1d4f5a7b8c9d0e1f2a3b4c5d6e7f80');
    expect(p.signers).toEqual([
      {
        name: 'Alice Example',
        emails: ['alice@example.com', 'alice@users.noreply.github.com'],
        openpgp: [fpr.alice],
        ssh: [],
      },
      { name: 'Bob Builder', emails: ['bob@example.com'], openpgp: [], ssh: [] },
      {
        name: 'Carol',
        emails: ['carol@example.com'],
        openpgp: [fpr.carol],
        ssh: [],
        retired: { at: Date.UTC(2025, 5, 1) / 1000 },
      },
      { name: 'dave@example.com', emails: ['dave@example.com'], openpgp: [], ssh: [dave.fingerprint] },
      {
        name: 'Erin',
        emails: ['erin@example.com'],
        openpgp: [],
        ssh: [],
        retired: { at: Date.UTC(2024, 2, 1, 10, 30) / 1000 },
      },
    ]);
    expect(p.maintainers).toEqual(['alice@example.com', 'Carol']);
    expect(p.forges).toEqual([
      { name: 'GitHub', committerEmails: ['noreply@github.com'], openpgp: [WEB_FLOW_NEW, WEB_FLOW_OLD], ssh: [] },
    ]);
    expect(p.goodlist).toEqual([
      {
        commit: '0123456789abcdef0123456789abcdef01234567',
        reason: 'imported from the old server, reviewed 2025-01-10',
      },
    ]);
    expect(p.severity).toEqual({ 'commits-signed': 'critical', 'history-rewrite': 'low' });
    // .gitguard/** is always protected, even when the list leaves it out.
    expect(p.protected).toEqual({
      refs: ['refs/heads/main', 'refs/heads/release/*', 'refs/tags/*'],
      paths: ['.gitguard/**', '.github/workflows/**', 'CODEOWNERS'],
    });
  });

  test('carries the keyring of keys/ and the allowed_signers entries', async () => {
    const keys = p.keyring.keys();
    expect(keys.map((k) => k.fingerprint).sort()).toEqual(
      [fpr.alice, fpr.bob, fpr.carol, fpr.mallory, fpr.multi, WEB_FLOW_OLD, WEB_FLOW_NEW].sort(),
    );
    expect(keys.find((k) => k.fingerprint === WEB_FLOW_NEW)!.files).toEqual([
      '.gitguard/keys/github-web-flow.gpg at 1a2b3c4',
    ]);
    expect(await p.keyring.identities(fpr.alice)).toEqual(['alice@example.com']);
    expect(p.allowedSigners.map((e) => [e.line, e.key.fingerprint, e.principals])).toEqual([
      [2, dave.fingerprint, ['dave@example.com']],
      [3, erin.fingerprint, ['erin@example.com', 'erin@old.example']],
    ]);
    expect(p.allowedSigners[0]!.file).toBe('.gitguard/allowed_signers at 1a2b3c4');
  });

  test('signersForOpenPgp: a named key, a key matched by its user IDs, a subkey, a forge key, a stranger', async () => {
    const names = (s: Signer[]): string[] => s.map((x) => x.name);
    expect(names(signersForOpenPgp(p, fpr.alice, ['alice@example.com']))).toEqual(['Alice Example']);
    // The named key belongs to Alice whatever its user IDs say.
    expect(names(signersForOpenPgp(p, fpr.alice.toLowerCase(), []))).toEqual(['Alice Example']);
    expect(names(signersForOpenPgp(p, spaced(fpr.alice), []))).toEqual(['Alice Example']);
    // Bob names no key: his is the one in keys/ whose user ID carries his e-mail.
    const bobIds = await p.keyring.identities(fpr.bob);
    expect(bobIds).toEqual(['bob@example.com']);
    expect(names(signersForOpenPgp(p, fpr.bob, bobIds))).toEqual(['Bob Builder']);
    expect(names(signersForOpenPgp(p, fpr.bob, ['BOB@example.com']))).toEqual(['Bob Builder']);
    expect(signersForOpenPgp(p, fpr.bob, ['someone@example.com'])).toEqual([]);
    // A subkey's fingerprint is taken as its primary key's.
    expect(names(signersForOpenPgp(p, fpr.carolSub, []))).toEqual(['Carol']);
    // Keys that nobody may claim by e-mail: a forge's key, a key not in keys/, a stranger's key.
    expect(signersForOpenPgp(p, WEB_FLOW_NEW, ['noreply@github.com'])).toEqual([]);
    expect(signersForOpenPgp(p, 'AB'.repeat(20), ['bob@example.com'])).toEqual([]);
    expect(signersForOpenPgp(p, fpr.mallory, await p.keyring.identities(fpr.mallory))).toEqual([]);
    // A key named by Alice does not become Bob's because one of its user IDs says bob@.
    expect(names(signersForOpenPgp(p, fpr.alice, ['bob@example.com']))).toEqual(['Alice Example']);
  });

  test('signersForSsh: a named key, a key matched by its principals, unknown keys', () => {
    const now = Date.UTC(2025, 0, 1) / 1000;
    expect(signersForSsh(p, dave.fingerprint, [], now).map((s) => s.name)).toEqual(['dave@example.com']);
    expect(signersForSsh(p, erin.fingerprint, ['erin@example.com'], now).map((s) => s.name)).toEqual(['Erin']);
    // Erin's key is hers by the line that lets it sign as her e-mail, whichever principal was printed first.
    expect(signersForSsh(p, erin.fingerprint, ['erin@old.example'], now).map((s) => s.name)).toEqual(['Erin']);
    expect(signersForSsh(p, erin.fingerprint, [], now)).toEqual([]);
    expect(signersForSsh(p, `SHA256:${'A'.repeat(43)}`, ['erin@example.com'], now)).toEqual([]);
  });

  test('forgeFor: only the forge key on a commit the forge committed', () => {
    expect(forgeFor(p, 'noreply@github.com', 'openpgp', WEB_FLOW_NEW)?.name).toBe('GitHub');
    expect(forgeFor(p, 'NoReply@GitHub.com', 'openpgp', WEB_FLOW_OLD.toLowerCase())?.name).toBe('GitHub');
    expect(forgeFor(p, 'alice@example.com', 'openpgp', WEB_FLOW_NEW)).toBeUndefined();
    expect(forgeFor(p, 'noreply@github.com', 'openpgp', fpr.alice)).toBeUndefined();
    expect(forgeFor(p, 'noreply@github.com', 'ssh', WEB_FLOW_NEW)).toBeUndefined();
  });

  test('isMaintainer: by e-mail or by name', () => {
    const [alice, bob, carol, daveS] = p.signers as [Signer, Signer, Signer, Signer];
    expect(isMaintainer(p, alice)).toBe(true);
    expect(isMaintainer(p, carol)).toBe(true);
    expect(isMaintainer(p, bob)).toBe(false);
    expect(isMaintainer(p, daveS)).toBe(false);
  });
});

describe('defaults and small forms', () => {
  test('no policy.yml: no policy', async () => {
    expect(await parsePolicy(files(undefined))).toBeUndefined();
  });

  test('"version: 1" alone takes every default', async () => {
    const p = await must('version: 1\n', { keys: [], allowedSigners: undefined });
    expect(p).toMatchObject({
      version: 1,
      identity: 'committer',
      requireSignatures: true,
      signers: [],
      maintainers: [],
      forges: [],
      goodlist: [],
      severity: {},
      protected: { refs: DEFAULT_PROTECTED_REFS, paths: DEFAULT_PROTECTED_PATHS },
      allowedSigners: [],
    });
    expect(p.trustRoot).toBeUndefined();
    expect(p.keyring.size).toBe(0);
  });

  test('protected.refs alone keeps the default paths; a forge committer may be a list; ssh forges', async () => {
    const p = await must(`version: 1
require_signatures: false
identity: author
protected: { refs: ["refs/heads/*"] }
forges:
  - name: Gitea
    committer: [gitea@example.org, Noreply@Example.org]
    ssh: ["${dave.fingerprint}"]
`);
    expect(p.requireSignatures).toBe(false);
    expect(p.identity).toBe('author');
    expect(p.protected.paths).toEqual(DEFAULT_PROTECTED_PATHS);
    expect(p.forges[0]!.committerEmails).toEqual(['gitea@example.org', 'noreply@example.org']);
    expect(forgeFor(p, 'gitea@example.org', 'ssh', dave.fingerprint)?.name).toBe('Gitea');
    // A key named by a forge belongs to no signer.
    expect(signersForSsh(p, dave.fingerprint, ['dave@example.com'], Date.UTC(2025, 0, 1) / 1000)).toEqual([]);
  });

  test('retired: true means from the start; false means not retired; an ISO date-time without zone is UTC', async () => {
    const p = await must(`version: 1
signers:
  - { emails: [a@example.com], retired: true }
  - { emails: [b@example.com], retired: false }
  - { emails: [c@example.com], retired: "2024-02-29 23:59:59" }
  - { emails: [d@example.com], retired: 2024-02-29T23:59:59.5Z }
`);
    expect(p.signers.map((s) => s.retired)).toEqual([
      { at: 0 },
      undefined,
      { at: Date.UTC(2024, 1, 29, 23, 59, 59) / 1000 },
      { at: Date.UTC(2024, 1, 29, 23, 59, 59) / 1000 },
    ]);
  });

  test('parsePolicyTime', () => {
    expect(parsePolicyTime('2025-06-01')).toBe(Date.UTC(2025, 5, 1) / 1000);
    expect(parsePolicyTime('2025-06-01T00:00:00-05:00')).toBe(Date.UTC(2025, 5, 1, 5) / 1000);
    expect(parsePolicyTime('2025-06-01T00:00+0530')).toBe(Date.UTC(2025, 4, 31, 18, 30) / 1000);
    expect(parsePolicyTime('2025-02-30')).toBeUndefined();
    expect(parsePolicyTime('2025-13-01')).toBeUndefined();
    expect(parsePolicyTime('1969-12-31')).toBeUndefined();
    expect(parsePolicyTime('June 1st')).toBeUndefined();
  });

  test('small anchors and aliases are fine; a folder path as the label', async () => {
    const p = await must('version: 1\nsigners:\n  - emails: [&a alice@example.com]\nmaintainers: [*a]\n', {
      label: '/srv/repo/.gitguard/',
      keys: [],
      allowedSigners: undefined,
    });
    expect(p.maintainers).toEqual(['alice@example.com']);
    expect(await failure('version: 2\n', { label: '/srv/repo/.gitguard' })).toBe(
      '/srv/repo/.gitguard/policy.yml: version: unsupported version 2 (this gitguard reads version 1)',
    );
  });

  test('revoked_keys: OpenPGP fingerprints (spaces allowed, keys/ need not hold them) and SSH fingerprints, with an optional since', async () => {
    const p = await must(`version: 1
revoked_keys:
  - key: "${spaced(fpr.mallory)}"
    reason: private key leaked on 2025-03-02
  - { key: "${dave.fingerprint}", reason: laptop stolen, since: 2025-06-01 }
  - { key: "${'ab'.repeat(32)}", reason: v6 key }
`);
    expect(p.revokedKeys).toEqual([
      { key: fpr.mallory, reason: 'private key leaked on 2025-03-02' },
      { key: dave.fingerprint, reason: 'laptop stolen', since: Date.UTC(2025, 5, 1) / 1000 },
      { key: 'AB'.repeat(32), reason: 'v6 key' },
    ]);
    expect((await must('version: 1\n', { keys: [], allowedSigners: undefined })).revokedKeys).toEqual([]);
  });

  test('a 64-hex (SHA-256 repository) trust root and goodlist entry', async () => {
    const id = 'ab'.repeat(32);
    const p = await must(
      `version: 1\ntrust_root: ${id.toUpperCase()}\ngoodlist: [{commit: "${id}", reason: legacy}]\n`,
    );
    expect(p.trustRoot).toBe(id);
    expect(p.goodlist[0]!.commit).toBe(id);
  });
});

describe('rejected policies: one message per rule', () => {
  const exact: Array<[string, string, string]> = [
    ['version missing', 'identity: committer\n', `${YML}: version: missing; write "version: 1"`],
    [
      'version quoted',
      'version: "1"\n',
      `${YML}: version: must be the number 1, not the string "1": write version: 1 without quotes`,
    ],
    [
      'version unsupported',
      'version: "2"\n',
      `${YML}: version: unsupported version "2" (this gitguard reads version 1)`,
    ],
    ['empty file', '', `${YML}: is empty; it must at least say "version: 1"`],
    ['not a mapping', '- version: 1\n', `${YML}: must be a mapping of settings (version: 1, signers: ...), not a list`],
    [
      'unknown top-level key',
      'version: 1\nsigner: []\n',
      `${YML}: unknown key "signer" (expected one of: version, identity, require_signatures, trust_root, signers, maintainers, forges, goodlist, severity, protected, client, revoked_keys, secrets, forge)`,
    ],
    [
      'secrets.allow fingerprint without a reason',
      `version: 1\nsecrets:\n  allow:\n    - fingerprint: "${'a'.repeat(40)}:x.env:github-pat:3"\n`,
      `${YML}: secrets.allow[0]: reason: missing; say why this committed secret is acceptable (e.g. revoked on 2026-01-02)`,
    ],
    [
      'secrets.allow both path and fingerprint',
      `version: 1\nsecrets:\n  allow:\n    - path: "a/**"\n      fingerprint: "x"\n`,
      `${YML}: secrets.allow[0]: give either path (a glob) or fingerprint (commit:path:kind:line), not both or neither`,
    ],
    [
      'secrets.allow malformed fingerprint',
      `version: 1\nsecrets:\n  allow:\n    - fingerprint: "abc:x"\n      reason: r\n`,
      `${YML}: secrets.allow[0].fingerprint: "abc:x" is not a fingerprint commit:path:kind:line (full commit id), as the finding prints it`,
    ],
    ['identity', 'version: 1\nidentity: email\n', `${YML}: identity: must be committer, author or both, not "email"`],
    [
      'require_signatures',
      'version: 1\nrequire_signatures: yes\n',
      `${YML}: require_signatures: must be true or false, not "yes"`,
    ],
    [
      'trust_root short',
      'version: 1\ntrust_root: 3f2a9c0\n',
      `${YML}: trust_root: "3f2a9c0" is not a full commit id (40 or 64 hex digits)`,
    ],
    [
      'trust_root a number',
      `version: 1\ntrust_root: ${'1'.repeat(40)}\n`,
      `${YML}: trust_root: must be a string, not the number 1.1111111111111112e+39 (quote it)`,
    ],
    ['signers not a list', 'version: 1\nsigners: {name: x}\n', `${YML}: signers: must be a list, not a mapping`],
    [
      'signer unknown key',
      'version: 1\nsigners:\n  - emails: [a@example.com]\n    email: a@example.com\n',
      `${YML}: signers[0]: unknown key "email" (expected one of: name, emails, openpgp, ssh, retired)`,
    ],
    [
      'signer without emails',
      'version: 1\nsigners:\n  - name: A\n',
      `${YML}: signers[0]: emails: missing; a signer needs at least one e-mail address`,
    ],
    [
      'signer with no email',
      'version: 1\nsigners:\n  - emails: []\n',
      `${YML}: signers[0].emails: must list at least one e-mail address`,
    ],
    [
      'not an e-mail address',
      'version: 1\nsigners:\n  - emails: [a@example.com]\n  - emails: [b@example.com]\n  - emails: [bob]\n',
      `${YML}: signers[2].emails[0]: "bob" is not an e-mail address`,
    ],
    [
      'e-mail twice in a signer',
      'version: 1\nsigners:\n  - emails: [a@example.com, A@example.com]\n',
      `${YML}: signers[0].emails[1]: "a@example.com" is listed twice`,
    ],
    [
      'e-mail shared by two signers',
      'version: 1\nsigners:\n  - {name: A, emails: [a@example.com]}\n  - {name: B, emails: [b@example.com, A@Example.com]}\n',
      `${YML}: signers[1].emails[1]: "a@example.com" is already an e-mail of signers[0] ("A")`,
    ],
    [
      'two signers with one name',
      'version: 1\nsigners:\n  - {name: A, emails: [a@example.com]}\n  - {name: a, emails: [b@example.com]}\n',
      `${YML}: signers[1].name: "a" is already the name of signers[0]`,
    ],
    [
      "a name that is another signer's e-mail",
      'version: 1\nsigners:\n  - {name: b@example.com, emails: [a@example.com]}\n  - {name: B, emails: [b@example.com]}\n',
      `${YML}: signers[0].name: "b@example.com" is an e-mail of signers[1] ("B")`,
    ],
    [
      'name with a newline',
      'version: 1\nsigners:\n  - {name: "A\\nB", emails: [a@example.com]}\n',
      `${YML}: signers[0].name: "A\\nB" must be one line without control characters`,
    ],
    [
      'a key id instead of a fingerprint',
      'version: 1\nsigners:\n  - {emails: [a@example.com], openpgp: [B5690EEEBB952194]}\n',
      `${YML}: signers[0].openpgp[0]: "B5690EEEBB952194" is a key id; write the full fingerprint (40 or 64 hex digits)`,
    ],
    [
      'not a fingerprint',
      'version: 1\nsigners:\n  - {emails: [a@example.com], openpgp: [alice]}\n',
      `${YML}: signers[0].openpgp[0]: "alice" is not an OpenPGP fingerprint (40 or 64 hex digits)`,
    ],
    [
      'not an SSH fingerprint',
      'version: 1\nsigners:\n  - {emails: [a@example.com], ssh: ["MD5:aa:bb"]}\n',
      `${YML}: signers[0].ssh[0]: "MD5:aa:bb" is not an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`,
    ],
    [
      'retired garbage',
      'version: 1\nsigners:\n  - {emails: [a@example.com], retired: soon}\n',
      `${YML}: signers[0].retired: "soon" is not a date (2025-06-01) or date and time (2025-06-01T12:00:00Z)`,
    ],
    [
      'retired impossible date',
      'version: 1\nsigners:\n  - {emails: [a@example.com], retired: 2025-02-30}\n',
      `${YML}: signers[0].retired: "2025-02-30" is not a date (2025-06-01) or date and time (2025-06-01T12:00:00Z)`,
    ],
    [
      'retired a number',
      'version: 1\nsigners:\n  - {emails: [a@example.com], retired: 1700000000}\n',
      `${YML}: signers[0].retired: must be a date (2025-06-01), a date and time (2025-06-01T12:00:00Z) or true, not the number 1700000000`,
    ],
    [
      'unknown maintainer',
      'version: 1\nsigners:\n  - {name: Alice, emails: [alice@example.com]}\nmaintainers: [Alice, mallory@evil.test]\n',
      `${YML}: maintainers[1]: "mallory@evil.test" is neither the name nor an e-mail of a signer`,
    ],
    [
      'maintainer name is case-sensitive',
      'version: 1\nsigners:\n  - {name: Alice, emails: [alice@example.com]}\nmaintainers: [alice]\n',
      `${YML}: maintainers[0]: "alice" is neither the name nor an e-mail of a signer`,
    ],
    [
      'forge without a key',
      'version: 1\nforges:\n  - {name: GitHub, committer: noreply@github.com}\n',
      `${YML}: forges[0]: names no key; list the platform key under openpgp: or ssh:`,
    ],
    [
      'forge without committer',
      `version: 1\nforges:\n  - {name: GitHub, openpgp: [${WEB_FLOW_NEW}]}\n`,
      `${YML}: forges[0]: committer: missing (the e-mail the platform commits as, e.g. noreply@github.com)`,
    ],
    [
      "forge committing as a signer's e-mail",
      `version: 1\nsigners:\n  - {emails: [alice@example.com]}\nforges:\n  - {name: GitHub, committer: Alice@example.com, openpgp: [${WEB_FLOW_NEW}]}\n`,
      `${YML}: forges[0].committer: "alice@example.com" is also an e-mail of signers[0]; a forge commits under its own address`,
    ],
    [
      'forge unknown key',
      'version: 1\nforges:\n  - {name: GitHub, committer: noreply@github.com, key: x}\n',
      `${YML}: forges[0]: unknown key "key" (expected one of: name, committer, openpgp, ssh)`,
    ],
    [
      'goodlist without reason',
      `version: 1\ngoodlist:\n  - commit: ${'a'.repeat(40)}\n`,
      `${YML}: goodlist[0]: reason: missing; say why this commit is accepted`,
    ],
    [
      'goodlist empty reason',
      `version: 1\ngoodlist:\n  - {commit: "${'a'.repeat(40)}", reason: "  "}\n`,
      `${YML}: goodlist[0].reason: must not be empty`,
    ],
    [
      'goodlist abbreviated commit',
      'version: 1\ngoodlist:\n  - {commit: abc1234, reason: ok}\n',
      `${YML}: goodlist[0].commit: "abc1234" is not a full commit id (40 or 64 hex digits)`,
    ],
    [
      'goodlist duplicate',
      `version: 1\ngoodlist:\n  - {commit: "${'a'.repeat(40)}", reason: one}\n  - {commit: "${'A'.repeat(40)}", reason: two}\n`,
      `${YML}: goodlist[1].commit: ${'a'.repeat(40)} is already goodlist[0]`,
    ],
    [
      'severity value',
      'version: 1\nseverity:\n  commits-signed: fatal\n',
      `${YML}: severity.commits-signed: must be one of info, low, medium, high, critical, not "fatal"`,
    ],
    [
      'severity rule id',
      'version: 1\nseverity:\n  Commits_Signed: high\n',
      `${YML}: severity: "Commits_Signed" is not a rule id`,
    ],
    [
      'protected unknown key',
      'version: 1\nprotected:\n  branches: [main]\n',
      `${YML}: protected: unknown key "branches" (expected one of: refs, paths, floating_tags)`,
    ],
    [
      'protected ref not a full name',
      'version: 1\nprotected:\n  refs: [main]\n',
      `${YML}: protected.refs[0]: "main" is not a full ref name or pattern (refs/heads/..., refs/tags/...)`,
    ],
    [
      'protected absolute path',
      'version: 1\nprotected:\n  paths: [/etc/passwd]\n',
      `${YML}: protected.paths[0]: "/etc/passwd" must be relative to the repository root (no leading "/")`,
    ],
    [
      'protected dot-dot path',
      'version: 1\nprotected:\n  paths: [a/../b]\n',
      `${YML}: protected.paths[0]: "a/../b" must not contain "." or ".." segments or "//"`,
    ],
    [
      'protected empty segment',
      'version: 1\nprotected:\n  paths: [a//b]\n',
      `${YML}: protected.paths[0]: "a//b" must not contain "." or ".." segments or "//"`,
    ],
    [
      'revoked_keys not a list',
      'version: 1\nrevoked_keys: {key: x}\n',
      `${YML}: revoked_keys: must be a list, not a mapping`,
    ],
    [
      'revoked key malformed',
      'version: 1\nrevoked_keys:\n  - {key: "SHA256:abc", reason: leaked}\n',
      `${YML}: revoked_keys[0].key: "SHA256:abc" is not an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`,
    ],
    [
      'revoked key neither kind',
      'version: 1\nrevoked_keys:\n  - {key: alice, reason: leaked}\n',
      `${YML}: revoked_keys[0].key: "alice" is neither an OpenPGP fingerprint (40 or 64 hex digits) nor an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`,
    ],
    [
      'revoked key id',
      'version: 1\nrevoked_keys:\n  - {key: B5690EEEBB952194, reason: leaked}\n',
      `${YML}: revoked_keys[0].key: "B5690EEEBB952194" is a key id; write the full fingerprint (40 or 64 hex digits)`,
    ],
    [
      'revoked key without reason',
      `version: 1\nrevoked_keys:\n  - key: ${WEB_FLOW_NEW}\n`,
      `${YML}: revoked_keys[0]: reason: missing; say why the key is revoked`,
    ],
    [
      'revoked key without key',
      'version: 1\nrevoked_keys:\n  - reason: leaked\n',
      `${YML}: revoked_keys[0]: key: missing (an OpenPGP fingerprint, or an SSH fingerprint "SHA256:...")`,
    ],
    [
      'revoked key unknown field',
      `version: 1\nrevoked_keys:\n  - {key: ${WEB_FLOW_NEW}, reason: x, until: 2025-01-01}\n`,
      `${YML}: revoked_keys[0]: unknown key "until" (expected one of: key, reason, since)`,
    ],
    [
      'revoked key since garbage',
      `version: 1\nrevoked_keys:\n  - {key: ${WEB_FLOW_NEW}, reason: x, since: true}\n`,
      `${YML}: revoked_keys[0].since: true is not a date (2025-06-01) or date and time (2025-06-01T12:00:00Z); leave since out to void every signature`,
    ],
    [
      'revoked key twice',
      `version: 1\nrevoked_keys:\n  - {key: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", reason: a}\n  - {key: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", reason: b}\n`,
      `${YML}: revoked_keys[1].key: SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA is already revoked_keys[0]`,
    ],
  ];
  test.each(exact)('%s', async (_name, yml, message) => {
    expect(await failure(yml)).toBe(message);
  });

  test('a fingerprint that is not in keys/', async () => {
    expect(
      await failure(`version: 1\nsigners:\n  - {emails: [a@example.com], openpgp: ["${'AB'.repeat(20)}"]}\n`),
    ).toBe(`${YML}: signers[0].openpgp[0]: key ${'AB'.repeat(20)} is not in keys/`);
    // The same for a forge, and for a key that is there in another commit but not in this one.
    expect(
      await failure(
        `version: 1\nforges:\n  - {name: GitHub, committer: noreply@github.com, openpgp: [${WEB_FLOW_NEW}]}\n`,
        { keys: [] },
      ),
    ).toBe(`${YML}: forges[0].openpgp[0]: key ${WEB_FLOW_NEW} is not in keys/`);
  });

  test('a subkey named instead of its primary key', async () => {
    expect(await failure(`version: 1\nsigners:\n  - {emails: [carol@example.com], openpgp: [${fpr.carolSub}]}\n`)).toBe(
      `${YML}: signers[0].openpgp[0]: ${fpr.carolSub} is a subkey of ${fpr.carol}; name the primary key`,
    );
  });

  test('one key named by two signers, or by a signer and a forge', async () => {
    expect(
      await failure(
        `version: 1\nsigners:\n  - {name: A, emails: [a@example.com], openpgp: [${fpr.alice}]}\n  - {name: B, emails: [b@example.com], openpgp: [${fpr.alice}]}\n`,
      ),
    ).toBe(`${YML}: signers[1].openpgp[0]: key ${fpr.alice} is already named by signers[0] ("A")`);
    expect(
      await failure(
        `version: 1\nsigners:\n  - {name: A, emails: [a@example.com], openpgp: [${WEB_FLOW_NEW}]}\nforges:\n  - {name: GitHub, committer: noreply@github.com, openpgp: [${WEB_FLOW_NEW}]}\n`,
      ),
    ).toBe(`${YML}: forges[0].openpgp[0]: key ${WEB_FLOW_NEW} is already named by signers[0] ("A")`);
  });

  test('an SSH fingerprint that is not in allowed_signers', async () => {
    expect(
      await failure(`version: 1\nsigners:\n  - {emails: [a@example.com], ssh: ["${erin.fingerprint}"]}\n`, {
        allowedSigners: `dave@example.com ${dave.pub}\n`,
      }),
    ).toBe(`${YML}: signers[0].ssh[0]: key ${erin.fingerprint} is not in allowed_signers`);
    expect(
      await failure(`version: 1\nsigners:\n  - {emails: [a@example.com], ssh: ["${erin.fingerprint}"]}\n`, {
        allowedSigners: undefined,
      }),
    ).toBe(
      `${YML}: signers[0].ssh[0]: key ${erin.fingerprint} is not in allowed_signers (there is none, or it lists no key)`,
    );
  });

  test('a key whose user IDs name two signers who name no key', async () => {
    const m = await failure(
      'version: 1\nsigners:\n  - {name: M, emails: [multi1@example.com]}\n  - {name: F, emails: [frank@example.com]}\n',
    );
    expect(m).toBe(
      `.gitguard/keys/multi.asc at 1a2b3c4: key ${fpr.multi} has user IDs of several signers ("M", "F"); name it under openpgp: of the one it belongs to`,
    );
    // Naming it resolves the ambiguity.
    const p = await must(
      `version: 1\nsigners:\n  - {name: M, emails: [multi1@example.com], openpgp: [${fpr.multi}]}\n  - {name: F, emails: [frank@example.com]}\n`,
    );
    expect(signersForOpenPgp(p, fpr.multi, ['multi1@example.com', 'frank@example.com']).map((s) => s.name)).toEqual([
      'M',
    ]);
  });

  test('an allowed_signers key whose principals match two signers who name no key', async () => {
    const m = await failure(
      'version: 1\nsigners:\n  - {name: A, emails: [a@example.com]}\n  - {name: B, emails: [b@example.com]}\n',
      {
        allowedSigners: `# wildcard\n*@example.com ${dave.pub}\n`,
      },
    );
    expect(m).toBe(
      `.gitguard/allowed_signers at 1a2b3c4: line 2: key ${dave.fingerprint} matches the e-mails of several signers ("A", "B"); name it under ssh: of the one it belongs to`,
    );
  });

  test('a malformed allowed_signers line', async () => {
    expect(
      await failure('version: 1\n', {
        allowedSigners: `dave@example.com ${dave.pub}\nerin@example.com ssh-ed25519 AAAAnotbase64!\n`,
      }),
    ).toBe('.gitguard/allowed_signers at 1a2b3c4: line 2: invalid key');
  });

  test('a key file that is not an OpenPGP key names keys/<name>', async () => {
    const m = await failure('version: 1\n', {
      keys: [
        { name: 'alice.asc', data: keyFiles['alice.asc']! },
        { name: 'README.md', data: Buffer.from('# our keys\n') },
      ],
    });
    expect(m).toMatch(/^\.gitguard\/keys\/README\.md at 1a2b3c4: not a readable OpenPGP key file \(.+\)$/);
    // An SSH public key dropped into keys/ is not an OpenPGP key either.
    expect(await failure('version: 1\n', { keys: [{ name: 'dave.pub', data: Buffer.from(dave.pub) }] })).toMatch(
      /^\.gitguard\/keys\/dave\.pub at 1a2b3c4: not a readable OpenPGP key file/,
    );
    // A hostile name cannot break the message onto two lines.
    expect(await failure('version: 1\n', { keys: [{ name: 'x\n\u202eevil', data: Buffer.from('junk') }] })).toMatch(
      /^\.gitguard\/keys\/x\\u000a\\u202eevil at 1a2b3c4: /,
    );
  });
});

describe('hostile YAML and sizes', () => {
  test('a syntax error names the line', async () => {
    expect(await failure('version: 1\nsigners: [\n  {emails: [a@example.com]\nmaintainers: []\n')).toMatch(
      new RegExp(`^${YML.replace(/[.*]/g, '\\$&')}: YAML syntax error: .* at line \\d+, column \\d+$`),
    );
    expect(await failure('version: 1\nidentity: committer\nidentity: author\n')).toBe(
      `${YML}: YAML syntax error: Map keys must be unique at line 3, column 1`,
    );
    expect(await failure('version: 1\n---\nversion: 1\n')).toMatch(
      /YAML syntax error: Source contains multiple documents.* at line 2, column 1$/,
    );
  });

  test('a billion laughs is refused', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const m = await failure(`version: 1\n${levels.join('\n')}\n`);
    expect(m).toBe(
      `${YML}: YAML cannot be read: Excessive alias count indicates a resource exhaustion attack (at most 32 alias expansions)`,
    );
  });

  test('explicit tags are refused (no !!binary, !!set, custom tags)', async () => {
    expect(await failure('version: 1\ntrust_root: !!binary aGVsbG8=\n')).toBe(
      `${YML}: YAML tags such as "!!binary" are not allowed (line 2)`,
    );
    expect(await failure('version: 1\nsigners: !custom []\n')).toMatch(/YAML syntax error: Unresolved tag: !custom/);
    expect(await failure('version: 1\nsigners: !!seq []\n')).toBe(
      `${YML}: YAML tags such as "!!seq" are not allowed (line 2)`,
    );
  });

  test('nesting past 64 levels is refused before the parser recurses into it (before: 3.8 s, 400 MB, "Maximum call stack size exceeded")', async () => {
    const n = 150_000; // each text under the 1 MiB cap
    const deep: Array<[string, number]> = [
      [`version: 1\nsigners: ${'['.repeat(n)}${']'.repeat(n)}\n`, 2],
      [`version: 1\nsigners: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`, 2],
      [`version: 1\nsigners:\n  ${'- '.repeat(n)}x\n`, 3],
    ];
    for (const [text, line] of deep)
      expect(await failure(text)).toBe(
        `${YML}: YAML nested more than 64 levels deep (line ${line}); a policy needs a few`,
      );
    // Brackets inside quotes and comments, and 64 real levels, are not refused for depth.
    const quoted = `version: 1\n# ${'['.repeat(100)}\nreason: "${'['.repeat(100)}"\nnote: '${'{'.repeat(100)}'\n`;
    expect(await failure(quoted)).toMatch(/unknown key "reason"/);
    expect(await failure(`version: 1\nsigners: ${'['.repeat(64)}${']'.repeat(64)}\n`)).not.toMatch(/nested/);
  });

  test('merge keys are not special; __proto__ is just an unknown key', async () => {
    expect(await failure('version: 1\n<<: {identity: author}\n')).toMatch(/unknown key "<<"/);
    expect(await failure('version: 1\n__proto__: {identity: author}\n')).toMatch(/unknown key "__proto__"/);
    expect(({} as Record<string, unknown>)['identity']).toBeUndefined();
  });

  test('policy.yml, a key file and allowed_signers are capped at 1 MiB; signers at 1000', async () => {
    const big = `version: 1\n# ${'x'.repeat(1024 * 1024)}\n`;
    expect(await failure(big)).toBe(`${YML}: larger than 1 MiB (${big.length} bytes)`);
    expect(await failure('version: 1\n', { keys: [{ name: 'huge.asc', data: new Uint8Array(1024 * 1024 + 1) }] })).toBe(
      '.gitguard/keys/huge.asc at 1a2b3c4: larger than 1 MiB (1048577 bytes)',
    );
    expect(await failure('version: 1\n', { allowedSigners: '#'.repeat(1024 * 1024 + 1) })).toBe(
      '.gitguard/allowed_signers at 1a2b3c4: larger than 1 MiB (1048577 bytes)',
    );
    const many = Array.from({ length: 1001 }, (_, i) => `  - {emails: [u${i}@example.com]}`).join('\n');
    expect(await failure(`version: 1\nsigners:\n${many}\n`, { keys: [], allowedSigners: undefined })).toBe(
      `${YML}: signers: more than 1000 entries`,
    );
    const ok = await must(`version: 1\nsigners:\n${many.split('\n').slice(0, 1000).join('\n')}\n`, {
      keys: [],
      allowedSigners: undefined,
    });
    expect(ok.signers).toHaveLength(1000);
  });
});
