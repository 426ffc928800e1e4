// Red team 30: a policy's key files are split into armored blocks before anything is parsed. The
// regular expression that did it read to the end of the file from every BEGIN line without an END:
// a 1 MiB file of BEGIN lines took 3.7 s (measured with the built binary: `gitguard audit` on a
// policy holding one, then 0.56 s), and 16 such files, each with a real key first, most of a minute
// per reading of the policy. Blocks are now found in linear time, the same ones (compared with the
// expression on 20,000 random mixes of BEGIN and END lines of both kinds while writing the fix).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeyFile } from '../../src/collect/signatures/openpgp-keyfile.js';
import { ROOT } from '../helpers/cli.js';

const key = readFileSync(join(ROOT, 'test/fixtures/openpgp/web-flow-4AEE18F83AFDEB23.asc'), 'utf8');
const begins = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n'.repeat(28_000);

test('a real key followed by 1 MiB of BEGIN lines reads the key; the BEGIN lines alone are no key file', async () => {
  expect(await parseKeyFile({ data: `${key}\n${begins}`, file: 'keys/a.asc' })).toHaveLength(1);
  await expect(parseKeyFile({ data: begins, file: 'keys/b.asc' })).rejects.toThrow(/nor an armored key block/);
});

test('twin: two keys of a file, a PRIVATE block left open between them, read as before', async () => {
  const open = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n';
  expect(await parseKeyFile({ data: `${key}\n${open}${key}`, file: 'keys/c.asc' })).toHaveLength(2);
});
