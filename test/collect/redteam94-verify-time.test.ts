// git gives ssh-keygen the commit time as local "%Y%m%d%H%M%S" (-Overify-time); a committer time in
// the local year 10000 or later is written with five digits, which ssh-keygen refuses: find-principals
// and check-novalidate both fail and git prints B, whoever signed. gitguard read such a time as any
// other and said G (U under a valid-before), also for a key its allowed signers admit only from 2030
// on. Each commit here is signed by ssh-keygen and judged by git and gitguard under the same TZ.
// Twins: the honest commit, and the last second of the local year 9999, stay G.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inRun } from '../../src/collect/run-context.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import {
  gitSshVerifyArgs,
  makeSshKey,
  ourSshVerdict,
  spliceSignature,
  sshSign,
  writeAllowedSigners,
  writeCommitObject,
} from '../helpers/ssh.js';

const YEAR_10000 = 253402300800; // 10000-01-01T00:00:00Z
// Each zone's offset at the turn of the year 10000 (standard time in January, as TZ rules extend).
const ZONES: Array<[string, number]> = [
  ['UTC', 0],
  ['Asia/Tokyo', 9 * 3600],
  ['America/New_York', -5 * 3600],
];

afterAll(cleanupTemp);

let repo: TestRepo;
let plain: string;
let fromFuture: string;
let sign: (committerTime: number) => string;

beforeAll(() => {
  repo = makeRepo();
  const alice = makeSshKey(repo.home, 'ed25519', 'alice');
  plain = writeAllowedSigners(join(repo.home, 'plain'), [`alice@example.com ${alice.pub}`]);
  fromFuture = writeAllowedSigners(join(repo.home, 'from-2030'), [
    `alice@example.com valid-after="20300101Z" ${alice.pub}`,
  ]);
  const tree = repo.run(['write-tree']);
  sign = (t) => {
    const payload = Buffer.from(
      `tree ${tree}\nauthor alice <alice@example.com> 1700000000 +0000\n` +
        `committer alice <alice@example.com> ${t} +0000\n\nat ${t}\n`,
    );
    return writeCommitObject(repo, spliceSignature(payload, sshSign(alice, payload)));
  };
});

function letters(zone: string, oid: string, signers: string): { git: string; ours: string } {
  const git = execFileSync('git', [...gitSshVerifyArgs(signers), 'log', '-1', '--format=%G?', oid], {
    cwd: repo.dir,
    env: { ...repo.env, TZ: zone },
  })
    .toString()
    .trim();
  const ours = inRun({ env: { ...process.env, TZ: zone } }, () => ourSshVerdict(repo, oid, signers)).letter;
  return { git, ours };
}

describe.each(ZONES)('under TZ=%s', (zone, offset) => {
  const lastOf9999 = YEAR_10000 - offset - 1;
  test.each([
    ['an honest commit time', 1_700_000_000, 'G', 'U'],
    ['the last second of the local year 9999', lastOf9999, 'G', 'G'],
    ['the first second of the local year 10000', lastOf9999 + 1, 'B', 'B'],
    ['the year 318857', 9_999_999_999_999, 'B', 'B'],
  ])('%s (%i): git and gitguard say %s (%s under a valid-after of 2030)', (_name, t, plainLetter, futureLetter) => {
    const oid = sign(t);
    expect(letters(zone, oid, plain)).toEqual({ git: plainLetter, ours: plainLetter });
    expect(letters(zone, oid, fromFuture)).toEqual({ git: futureLetter, ours: futureLetter });
  });
});
