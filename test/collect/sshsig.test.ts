// The SSH signature verifier against git itself: every commit below is signed (or forged) in one
// state, and for each the letter we compute must be the letter `git log --format=%G?` prints with
// the same allowed-signers file (git 2.39 running OpenSSH's ssh-keygen). The expected letters are
// the facts measured on git 2.39.5 + OpenSSH 9.2p1; if git's answer changes, the fact fails first.
import { join } from 'node:path';
import { verifySshSignature } from '../../src/collect/signatures/sshsig.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import {
  catCommit,
  craftKey,
  craftSshSignature,
  makeSshKey,
  signedCommit,
  spliceSignature,
  splitCommit,
  sshMpint,
  sshSign,
  sshString,
  writeAllowedSigners,
  writeCommitObject,
  type CraftedKey,
  type SshKeyType,
  type SshTestKey,
  ourSshVerdict,
  expectSshVerdictAsGit,
} from '../helpers/ssh.js';

const KEY_TYPES: SshKeyType[] = ['ed25519', 'ecdsa-256', 'ecdsa-384', 'ecdsa-521', 'rsa'];
const CRAFTED = ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-sha1', 'sk-ed25519', 'sk-ecdsa'] as const;

interface Case {
  oid: string;
  signers: string; // allowed-signers file
}

// name -> git's letter (measured), and what the case is.
const EXPECTED: Record<string, string> = {
  'good ed25519': 'G',
  'good ecdsa-256': 'G',
  'good ecdsa-384': 'G',
  'good ecdsa-521': 'G',
  'good rsa': 'G',
  'good rsa, hashalg=sha256': 'G',
  'crafted rsa-sha2-256': 'G',
  'crafted rsa-sha2-512': 'G',
  'crafted ssh-rsa (SHA-1) signature': 'B',
  'crafted sk-ed25519 security key': 'G',
  'crafted sk-ecdsa security key': 'G',
  'crafted non-empty reserved field': 'G',
  'crafted version 0': 'G',
  'crafted version 2': 'B',
  'crafted sha384 hash algorithm': 'B',
  'key not in allowed signers': 'U',
  'empty allowed signers file': 'U',
  'tampered message': 'B',
  'tampered committer': 'B',
  'wrong key for the principal (bob signs as alice)': 'G',
  'principal mismatch (committer is carol)': 'G',
  'valid-before in the past': 'U',
  'valid-before one second before the commit': 'U',
  'valid-before equal to the commit time': 'G',
  'valid-after in the future': 'U',
  'valid-after equal to the commit time': 'G',
  'valid-after one second after the commit': 'U',
  'expired entry, then a valid one for the same key': 'G',
  'namespaces="file" only': 'B',
  'namespaces="file,git"': 'G',
  'namespaces="g?t"': 'G',
  'namespaces="!git,*"': 'B',
  'signed in namespace "file"': 'B',
  'signed in namespace "file", key unknown': 'B',
  'cert-authority entry': 'U',
  'wildcard principal "*@example.com"': 'G',
  'negated principal first: "!alice@example.com,*@example.com"': 'G',
  'malformed line before the entry': 'G',
  'corrupted base64': 'B',
  'truncated signature': 'B',
  'missing footer': 'B',
  'bytes after the sshsig blob (inside the base64)': 'B',
  'bad SSHSIG magic': 'B',
  'base64 on one long line': 'B',
  'text after the footer': 'B',
  unsigned: 'N',
};

let repo: TestRepo;
const cases = new Map<string, Case>();
const keys = {} as Record<SshKeyType | 'bob' | 'mallory', SshTestKey>;

beforeAll(() => {
  repo = makeRepo();
  const dir = repo.home;
  for (const t of KEY_TYPES) keys[t] = makeSshKey(dir, t, `alice-${t}`);
  keys.bob = makeSshKey(dir, 'ed25519', 'bob');
  keys.mallory = makeSshKey(dir, 'ed25519', 'mallory');
  const crafted = Object.fromEntries(CRAFTED.map((k) => [k, craftKey(k)])) as Record<
    (typeof CRAFTED)[number],
    CraftedKey
  >;
  const craftedEd = craftKey('ed25519');
  const ed = keys.ed25519.pub;
  const file = (name: string, lines: string[]): string => writeAllowedSigners(join(dir, `allowed-${name}`), lines);

  const main = file('main', [
    '# alice has one key of each type, bob one',
    ...KEY_TYPES.map((t) => `alice@example.com ${keys[t].pub}`),
    ...CRAFTED.map((k) => `alice@example.com ${crafted[k].pub}`),
    `alice@example.com ${craftedEd.pub}`,
    `bob@example.com ${keys.bob.pub}`,
  ]);
  const add = (name: string, oid: string, signers = main): void => {
    if (!(name in EXPECTED)) throw new Error(`no expected letter for ${name}`);
    cases.set(name, { oid, signers });
  };

  for (const t of KEY_TYPES) add(`good ${t}`, signedCommit(repo, keys[t], `good ${t}`));
  const good = cases.get('good ed25519')!.oid;
  const goodRaw = catCommit(repo, good);
  const goodTime = splitCommit(goodRaw).committerTime;
  const stamp = (t: number): string => new Date(t * 1000).toISOString().replace(/[-:T]|\.\d+Z$/g, '') + 'Z';

  // An unsigned commit, as a payload to sign by hand.
  const unsigned = signedCommit(repo, undefined, 'unsigned');
  add('unsigned', unsigned);
  const payload = catCommit(repo, unsigned);
  const forge = (armored: string): string => writeCommitObject(repo, spliceSignature(payload, armored));

  add('good rsa, hashalg=sha256', forge(sshSign(keys.rsa, payload, 'git', ['-O', 'hashalg=sha256'])));
  for (const k of ['rsa-sha2-256', 'rsa-sha2-512', 'sk-ed25519', 'sk-ecdsa'] as const) {
    add(`crafted ${k}${k.startsWith('sk-') ? ' security key' : ''}`, forge(craftSshSignature(crafted[k], payload)));
  }
  add('crafted ssh-rsa (SHA-1) signature', forge(craftSshSignature(crafted['ssh-rsa-sha1'], payload)));
  add(
    'crafted non-empty reserved field',
    forge(craftSshSignature(craftedEd, payload, { reserved: Buffer.from('tag') })),
  );
  add('crafted version 0', forge(craftSshSignature(craftedEd, payload, { version: 0 })));
  add('crafted version 2', forge(craftSshSignature(craftedEd, payload, { version: 2 })));
  const sha384 = craftSshSignature(craftedEd, payload, { hashAlg: 'sha384' as 'sha512' });
  add('crafted sha384 hash algorithm', forge(sha384));

  add('key not in allowed signers', signedCommit(repo, keys.mallory, 'mallory'));
  add('empty allowed signers file', good, file('empty', []));

  const text = goodRaw.toString('latin1');
  add(
    'tampered message',
    writeCommitObject(repo, Buffer.from(text.replace('good ed25519', 'good ed25519!'), 'latin1')),
  );
  add(
    'tampered committer',
    writeCommitObject(repo, Buffer.from(text.replace(/^committer Alice Example/m, 'committer Eve Example'), 'latin1')),
  );

  add('wrong key for the principal (bob signs as alice)', signedCommit(repo, keys.bob, 'bob as alice'));
  add(
    'principal mismatch (committer is carol)',
    signedCommit(repo, keys.ed25519, 'as carol', { committerEmail: 'carol@example.com' }),
  );

  add('valid-before in the past', good, file('expired', [`alice@example.com valid-before="20231231" ${ed}`]));
  add(
    'valid-before one second before the commit',
    good,
    file('vb-1', [`alice@example.com valid-before="${stamp(goodTime - 1)}" ${ed}`]),
  );
  add(
    'valid-before equal to the commit time',
    good,
    file('vb0', [`alice@example.com valid-before="${stamp(goodTime)}" ${ed}`]),
  );
  add('valid-after in the future', good, file('notyet', [`alice@example.com valid-after="20240201" ${ed}`]));
  add(
    'valid-after equal to the commit time',
    good,
    file('va0', [`alice@example.com valid-after="${stamp(goodTime)}" ${ed}`]),
  );
  add(
    'valid-after one second after the commit',
    good,
    file('va+1', [`alice@example.com valid-after="${stamp(goodTime + 1)}" ${ed}`]),
  );
  add(
    'expired entry, then a valid one for the same key',
    good,
    file('twice', [
      `alice@example.com valid-before="20231231" ${ed}`,
      `alice@example.com valid-after="20231231" ${ed}`,
    ]),
  );
  add('namespaces="file" only', good, file('ns-file', [`alice@example.com namespaces="file" ${ed}`]));
  add('namespaces="file,git"', good, file('ns-both', [`alice@example.com namespaces="file,git" ${ed}`]));
  add('namespaces="g?t"', good, file('ns-pattern', [`alice@example.com namespaces="g?t" ${ed}`]));
  add('namespaces="!git,*"', good, file('ns-negated', [`alice@example.com namespaces="!git,*" ${ed}`]));
  add('signed in namespace "file"', forge(sshSign(keys.ed25519, payload, 'file')));
  add('signed in namespace "file", key unknown', forge(sshSign(keys.mallory, payload, 'file')));
  add('cert-authority entry', good, file('ca', [`alice@example.com cert-authority ${ed}`]));
  add('wildcard principal "*@example.com"', good, file('wild', [`"*@example.com" ${ed}`]));
  add(
    'negated principal first: "!alice@example.com,*@example.com"',
    good,
    file('neg', [`!alice@example.com,*@example.com ${ed}`]),
  );
  add('malformed line before the entry', good, file('garbage', ['this line is not valid', `alice@example.com ${ed}`]));

  const sig = splitCommit(goodRaw).signature;
  const lines = sig.split('\n');
  const corrupt = [...lines];
  corrupt[2] = corrupt[2]!.slice(0, 10) + '!' + corrupt[2]!.slice(11);
  add('corrupted base64', forge(corrupt.join('\n')));
  add('truncated signature', forge([lines[0], lines[1], lines[lines.length - 2], ''].join('\n')));
  add('missing footer', forge(lines.slice(0, -2).join('\n') + '\n'));
  // Red-team round 2: the blob and the armour edited, each as ssh-keygen -Y verify reads them.
  const blob = Buffer.from(lines.slice(1, -2).join(''), 'base64');
  const rearmor = (b: Buffer, wrap = 70): string => {
    const b64 = b.toString('base64');
    const body = wrap ? (b64.match(new RegExp(`.{1,${wrap}}`, 'g')) ?? []) : [b64];
    return [lines[0], ...body, lines[lines.length - 2], ''].join('\n');
  };
  add('bytes after the sshsig blob (inside the base64)', forge(rearmor(Buffer.concat([blob, Buffer.alloc(4)]))));
  add('bad SSHSIG magic', forge(rearmor(Buffer.concat([Buffer.from('SSHSIh'), blob.subarray(6)]))));
  add('base64 on one long line', forge(rearmor(blob, 0)));
  add('text after the footer', forge(sig.replace(/\n?$/, '\n') + 'trailing text\n'));
}, 120_000);

afterAll(() => cleanupTemp());

const ours = (c: Case): ReturnType<typeof ourSshVerdict> => ourSshVerdict(repo, c.oid, c.signers);

describe('verifySshSignature agrees with git %G?, commit by commit', () => {
  test.each(Object.keys(EXPECTED))('%s', (name) => {
    const c = cases.get(name)!;
    expectSshVerdictAsGit(repo, c.oid, c.signers, EXPECTED[name]!);
  });
});

describe('verdict details', () => {
  test('a good signature names the key by fingerprint and the principals it is allowed for', () => {
    const v = ours(cases.get('good ed25519')!);
    expect(v).toMatchObject({
      letter: 'G',
      format: 'ssh',
      signer: keys.ed25519.fingerprint,
      identities: ['alice@example.com'],
    });
  });

  test("git's G for another principal's key still shows whose key it is", () => {
    const v = ours(cases.get('wrong key for the principal (bob signs as alice)')!);
    expect(v.identities).toEqual(['bob@example.com']);
    expect(v.signer).toBe(keys.bob.fingerprint);
  });

  test('the committer identity is listed first when a wildcard principal allows it', () => {
    const c = cases.get('wildcard principal "*@example.com"')!;
    expect(ours(c).identities).toEqual(['alice@example.com', '*@example.com']);
  });

  test('reasons tell U apart: unknown key vs. entry outside its validity window', () => {
    expect(ours(cases.get('key not in allowed signers')!).reason).toMatch(/not in allowed signers/);
    expect(ours(cases.get('valid-before in the past')!).reason).toMatch(/not valid at the commit time/);
  });

  test('malformed input never throws', () => {
    const payload = Buffer.from('tree x\n\nmsg\n');
    const bad = [
      '-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n',
      '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n',
      '-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAAAA=\n-----END SSH SIGNATURE-----\n',
      '-----BEGIN SSH SIGNATURE-----\r\nU1NIU0lH\r\n-----END SSH SIGNATURE-----\r\n',
      '-----BEGIN SSH SIGNATURE-----\n' +
        Buffer.alloc(300, 0xff).toString('base64') +
        '\n-----END SSH SIGNATURE-----\n',
    ];
    for (const armored of bad) {
      const v = verifySshSignature(payload, armored, [], { at: 1 });
      expect(v.letter).toBe('B');
      expect(v.reason).toMatch(/malformed/);
    }
    expect(verifySshSignature(payload, '-----BEGIN PGP SIGNATURE-----\n', [], { at: 1 })).toMatchObject({
      letter: 'E',
    });
    expect(verifySshSignature(payload, '', [], { at: 1 })).toMatchObject({ letter: 'N', format: 'none' });
  });

  test('unsupported key types (DSA) give E, naming the key', () => {
    // A DSA key blob (parameters need not be real: the verifier stops at the key type).
    const blob = Buffer.concat([sshString('ssh-dss'), ...[1, 2, 3, 4].map((n) => sshMpint(Buffer.of(n)))]);
    const key = {
      blob,
      pub: '',
      sign: (_: Buffer) => Buffer.concat([sshString('ssh-dss'), sshString(Buffer.alloc(40))]),
    };
    const v = verifySshSignature(Buffer.from('x'), craftSshSignature(key, Buffer.from('x')), [], { at: 1 });
    expect(v).toMatchObject({ letter: 'E', format: 'ssh' });
    expect(v.signer).toMatch(/^SHA256:/);
  });
});
