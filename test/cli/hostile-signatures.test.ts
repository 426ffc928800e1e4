// Red-team round 3: OpenPGP signature blocks shaped to cost gitguard more than they cost gpg, made
// from a real gpg signature and compared with git's own letter (%G?, which asks gpg).
import { deflateRawSync } from 'node:zlib';
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import type { Gpg } from '../helpers/gpg.js';
import { resignedCommit } from '../helpers/resigned-commit.js';
import { runMain } from '../helpers/cli.js';
import { packet } from '../helpers/openpgp-build.js';

const NOW = Math.floor(Date.now() / 1000);
afterAll(cleanupTemp);

describe('signature blocks that cost more to read than to write', () => {
  let r: TestRepo;
  let gpg: Gpg;
  let keyring: string;
  const c: Record<string, string> = {};

  beforeAll(async () => {
    const made = resignedCommit(NOW);
    ({ r, gpg, keyring } = made);
    c.good = made.good;
    const sig = Buffer.from((await openpgp.unarmor(made.armored)).data as Uint8Array);
    const rewrite = async (name: string, bytes: Buffer): Promise<void> => {
      c[name] = made.withSignature(name, openpgp.armor(openpgp.enums.armor.signature, bytes));
    };
    // gpg skips marker packets ("PGP"): 20,000 of them after the signature, 100 kB. Before: read by
    // openpgp.js at ~2 us a packet (a million, 7 MB and a few KiB once packed: 11 s a commit; gpg: 0.1 s).
    await rewrite(
      'padded',
      Buffer.concat([sig, ...Array.from({ length: 20_000 }, () => packet(10, Buffer.from('PGP')))]),
    );
    // The signature inside a compressed packet (ZIP), which gpg inflates; then one that inflates to
    // 64 MiB of zeros after the signature. gitguard inflates nothing.
    await rewrite('compressed', packet(8, Buffer.concat([Buffer.of(1), deflateRawSync(sig)])));
    await rewrite(
      'bomb',
      packet(8, Buffer.concat([Buffer.of(1), deflateRawSync(Buffer.concat([sig, Buffer.alloc(64 * 1024 * 1024)]))])),
    );
  }, 120_000);
  afterAll(() => gpg?.kill());

  const gitLetter = (oid: string): string => r.run(['rev-list', '--no-walk', '--format=%G?', oid]).split('\n')[1]!;

  test('git says G for the padded and the compressed block; gitguard reads neither and says E, never G', async () => {
    expect([c.good, c.padded, c.compressed].map((x) => gitLetter(x!))).toEqual(['G', 'G', 'G']);
    const res = await runMain(
      ['verify', '-C', r.dir, '--all', '--keyring', keyring, '--format', 'json', '--no-cache'],
      {
        env: r.env,
      },
    );
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string; detail: string }> })
      .commits;
    const by = Object.fromEntries(rows.map((x) => [x.commit, x]));
    expect(by[c.good!]!.letter).toBe('G');
    expect(by[c.padded!]).toMatchObject({ letter: 'E' });
    expect(by[c.padded!]!.detail).toMatch(/the signature block is \d+ bytes, over gitguard's limit of 64 KiB/);
    for (const x of [c.compressed, c.bomb]) expect(by[x!]!.letter).toBe('E');
    expect(by[c.compressed!]!.detail).toMatch(/compressedData/);
  });
});
