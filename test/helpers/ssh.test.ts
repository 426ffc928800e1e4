// git's letter for an SSH signature that ssh-keygen rejects without reading the payload: plain git
// dies of SIGPIPE (exit 141) whenever ssh-keygen exits first, which a large payload makes certain
// (the pipe buffer fills). The helpers must always get git's answer instead.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeRepo, cleanupTemp } from './repo.js';
import {
  catCommit,
  gitLetter,
  gitSignatureInfo,
  makeSshKey,
  splitCommit,
  spliceSignature,
  writeAllowedSigners,
  writeCommitObject,
} from './ssh.js';

afterAll(cleanupTemp);

test("makeSshKey's fingerprint is ssh-keygen's, for every key type", () => {
  const repo = makeRepo();
  for (const type of ['ed25519', 'ecdsa-256', 'ecdsa-384', 'ecdsa-521', 'rsa'] as const) {
    const key = makeSshKey(repo.home, type);
    const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key.path}.pub`], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(listed.stdout.split(' ')[1]).toBe(key.fingerprint);
  }
});

test('a corrupted signature over a 300 KB payload is B, never a SIGPIPE', () => {
  const repo = makeRepo();
  const key = makeSshKey(repo.home, 'ed25519', 'alice');
  const signers = writeAllowedSigners(join(repo.home, 'allowed_signers'), [`alice@example.com ${key.pub}`]);
  repo.run(['-c', 'gpg.format=ssh', 'commit', '-q', '--allow-empty', `-S${key.path}`, '-F', '-'], {
    input: `big\n\n${'a'.repeat(300_000)}\n`,
  });
  const { payload, signature } = splitCommit(catCommit(repo, repo.run(['rev-parse', 'HEAD'])));
  const lines = signature.split('\n');
  lines[1] = `!!!!${lines[1]!.slice(4)}`;
  const bad = writeCommitObject(repo, spliceSignature(payload, lines.join('\n')));
  // The cause, with plain git 2.39: ssh-keygen rejects the signature before reading stdin and git is
  // killed by SIGPIPE (newer gits may ignore it, so this is not asserted).
  const plain = spawnSync(
    'git',
    ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '-1', '--format=%G?', bad],
    { cwd: repo.dir, env: repo.env },
  );
  if (plain.signal) expect(plain.signal).toBe('SIGPIPE');
  for (let i = 0; i < 5; i += 1) expect(gitLetter(repo, bad, signers)).toBe('B');
  expect(gitSignatureInfo(repo, bad, signers).letter).toBe('B');
});
