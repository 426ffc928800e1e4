// Red team 26: the id the user's key files' verdicts are cached under (and whether they parsed before)
// hashed each file's name and bytes in turn, but not whether it was given as --keyring or
// --allowed-signers, nor where one file's bytes end: `--keyring K --allowed-signers S` and
// `--keyring K --keyring S` were one key set. A second run that trusts no SSH key at all (S given as an
// OpenPGP keyring, which it is not) took the first run's verdicts and passed Alice's SSH-signed commit,
// where the same run without the cache stops at the unreadable keyring (exit 2). Twin: the same
// options run twice answer alike.
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey, writeAllowedSigners } from '../helpers/ssh.js';
import { ROOT, parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const K = join(ROOT, 'test', 'fixtures', 'gpg-keys', 'web-flow-2024-01-01.asc');

test('S given as --allowed-signers, then as --keyring: the second run does not reuse the first verdicts', async () => {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'work', { 'a.txt': 'a\n' });
  const S = writeAllowedSigners(join(r.home, 'allowed_signers'), [`alice@example.com ${alice.pub}`]);
  const run = async (keys: string[], extra: string[] = []) => {
    const res = await runMain(
      ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', 'signers-authorized', ...keys, ...extra],
      { env: r.env },
    );
    return res.code === 2
      ? { code: 2 }
      : { code: res.code, outcome: resultOf(parseJson(res), 'signers-authorized').outcome };
  };
  const both = ['--keyring', K, '--allowed-signers', S];
  expect(await run(both)).toEqual({ code: 0, outcome: 'pass' });
  expect(await run(both)).toEqual({ code: 0, outcome: 'pass' }); // twin: the same options, cached
  const swapped = ['--keyring', K, '--keyring', S];
  expect(await run(swapped, ['--no-cache'])).toEqual({ code: 2 });
  expect(await run(swapped)).toEqual({ code: 2 });
});
