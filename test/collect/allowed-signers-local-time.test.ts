// valid-after / valid-before without `Z` are local time, read by ssh-keygen's glibc mktime with
// tm_isdst = 0, and git hands ssh-keygen the commit time as local wall time too (-Overify-time
// without `Z`), which the same mktime reads back. Differential: for each zone, wall times (seeded
// random, and in the gaps and overlaps of DST changes) are written into allowed_signers lines, and a
// real signature is checked by `ssh-keygen -Y verify` at commit times around the instant gitguard
// reads, each passed as git passes it (glibc's localtime of it: `date -f`); gitguard's own verdict
// (verifySshSignature) at those commit times must be ssh-keygen's. Europe/Dublin flags its winter GMT
// as DST, so mktime reads a winter wall time as summer IST: an hour earlier.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
import { verifySshSignature } from '../../src/collect/signatures/sshsig.js';
import { inRun } from '../../src/collect/run-context.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';
import {
  catCommit,
  gitSshVerifyArgs,
  makeSshKey,
  signedCommit,
  splitCommit,
  sshSign,
  writeAllowedSigners,
  type SshTestKey,
} from '../helpers/ssh.js';

const PRINCIPAL = 'alice@example.com';
const DATA = 'the signed payload\n';

// Wall times in each zone's gap (spring forward) and overlap (fall back), then ordinary ones.
const EDGES: Record<string, string[]> = {
  UTC: ['20240115120000', '20240715120000'],
  'Europe/Dublin': ['20240115120000', '20240331013000', '20241027013000', '20240715120000'],
  'Europe/London': ['20240115120000', '20240331013000', '20241027013000', '19711031023000'],
  'America/New_York': ['20240310023000', '20241103013000', '20240115120000'],
  'Australia/Lord_Howe': ['20241006021500', '20240407014500', '20240615120000'],
  'Asia/Kolkata': ['20240115120000'],
  EST5EDT: ['20240310023000', '20241103013000'],
  // A POSIX TZ string read as such (no file of that name): southern hemisphere, half-hour DST.
  'AAA-9:30BBB-10,M10.1.0,M4.1.0/3': ['20241006023000', '20240407023000', '20240115120000'],
};

/** Seeded wall times from 1971 to 2099 (past 2037 the TZif footer's rule decides). */
function seeded(zone: string, n: number): string[] {
  let s = [...zone].reduce((a, c) => a * 31 + c.charCodeAt(0), 7) % 2147483647;
  const next = (m: number): number => {
    s = (s * 48271) % 2147483647;
    return s % m;
  };
  const two = (v: number): string => String(v).padStart(2, '0');
  return Array.from({ length: n }, () => {
    const y = 1971 + next(129);
    return `${y}${two(1 + next(12))}${two(1 + next(28))}${two(next(24))}${two(next(60))}${two(next(60))}`;
  });
}

/** The commit times `at` as git writes them for -Overify-time under TZ=zone: glibc's localtime. */
const gitStamps = (zone: string, at: number[]): string[] =>
  execFileSync('date', ['-f', '-', '+%Y%m%d%H%M%S'], {
    input: at.map((t) => `@${t}\n`).join(''),
    env: { ...process.env, TZ: zone },
  })
    .toString()
    .trim()
    .split('\n');

/** f under TZ=zone: the run's environment, and the process's (what JavaScript's Date reads). */
function inZone<T>(zone: string, f: () => T): T {
  const was = process.env.TZ;
  process.env.TZ = zone;
  try {
    return inRun({ env: { ...process.env } }, f);
  } finally {
    if (was === undefined) delete process.env.TZ;
    else process.env.TZ = was;
  }
}

let dir: string;
let key: SshTestKey;
let sigFile: string;
let armored: string;
afterAll(() => cleanupTemp());
beforeAll(() => {
  dir = tempDir();
  key = makeSshKey(dir, 'ed25519', 'alice');
  armored = sshSign(key, DATA);
  sigFile = join(dir, 'data.sig');
  writeAllowedSigners(sigFile, [armored.trimEnd()]);
});

interface Probe {
  line: string;
  at: number;
}

/** ssh-keygen's verdicts (true: good) for each probe, under TZ=zone, in one shell. */
function sshKeygenVerdicts(zone: string, probes: Probe[]): boolean[] {
  const stamps = gitStamps(
    zone,
    probes.map((p) => p.at),
  );
  const script = probes
    .map((p, i) => {
      const file = writeAllowedSigners(join(dir, `signers-${i}`), [p.line]);
      return `ssh-keygen -Y verify -f '${file}' -I ${PRINCIPAL} -n git -s '${sigFile}' -Overify-time=${stamps[i]} <'${join(dir, 'data')}' >/dev/null 2>&1; echo $?`;
    })
    .join('\n');
  writeAllowedSigners(join(dir, 'data'), [DATA.trimEnd()]);
  const out = execFileSync('sh', ['-c', script], { env: { ...process.env, TZ: zone } }).toString();
  return out
    .trim()
    .split('\n')
    .map((rc) => rc === '0');
}

/** gitguard's verdicts for the same probes, with the run's TZ set to zone. */
function ourVerdicts(zone: string, probes: Probe[]): boolean[] {
  return inZone(zone, () =>
    probes.map((p) => {
      const signers = parseAllowedSigners(p.line, 'signers', { onInvalid: () => undefined });
      const v = verifySshSignature(Buffer.from(DATA), armored, signers, { at: p.at, identity: PRINCIPAL });
      return v.letter === 'G';
    }),
  );
}

/** The instant gitguard reads `wall` as, under TZ=zone. */
const ourInstant = (zone: string, wall: string): number =>
  inZone(zone, () => {
    const s = parseAllowedSigners(`${PRINCIPAL} valid-after="${wall}" ${key.pub}`, 'signers')[0]!;
    return s.validAfter!;
  });

// How far git's reading of a commit time can move it: the zone's DST step.
const STEP: Record<string, number> = { 'Australia/Lord_Howe': 1800, 'AAA-9:30BBB-10,M10.1.0,M4.1.0/3': 1800 };

describe('valid-after / valid-before in local time, as git + ssh-keygen read them', () => {
  test.each(Object.keys(EDGES))('%s: every window edge is ssh-keygen’s to the second', (zone) => {
    const walls = [...EDGES[zone]!, ...seeded(zone, 4)];
    const step = STEP[zone] ?? 3600;
    const around = [-step - 1, -step, -step + 1, -1, 0, 1, step - 1, step, step + 1];
    const probes: Probe[] = walls.flatMap((wall) => {
      const t = ourInstant(zone, wall);
      return (['valid-before', 'valid-after'] as const).flatMap((option) =>
        around.map((d) => ({ line: `${PRINCIPAL} ${option}="${wall}" ${key.pub}`, at: t + d })),
      );
    });
    const reference = sshKeygenVerdicts(zone, probes);
    // Reference sanity: each window admits some of its probes and refuses others.
    expect(reference.filter((g) => g).length).toBeGreaterThan(walls.length);
    expect(reference.filter((g) => !g).length).toBeGreaterThan(walls.length);
    expect(ourVerdicts(zone, probes)).toEqual(reference);
  });

  test('git log %G? in Europe/Dublin at the spring change: the window ends at 01:00Z, not 02:00Z; twins pass', () => {
    const repo = makeRepo();
    const letters = (zone: string, date: string, before: string): { git: string; ours: string } => {
      const oid = signedCommit(repo, key, `at ${date}`, { date });
      const line = `${PRINCIPAL} valid-before="${before}" ${key.pub}`;
      const file = writeAllowedSigners(join(dir, 'repo-signers'), [line]);
      const git = repo.run([...gitSshVerifyArgs(file), 'log', '-1', '--format=%G?', oid], { env: { TZ: zone } });
      const split = splitCommit(catCommit(repo, oid));
      const ours = inZone(zone, () => {
        const signers = parseAllowedSigners(line, file);
        return verifySshSignature(split.payload, split.signature, signers, { at: split.committerTime }).letter;
      });
      return { git, ours };
    };
    // 02:00 on 2024-03-31 is the first IST wall time (01:00Z); a commit at 01:30Z is past it.
    expect(letters('Europe/Dublin', '2024-03-31T01:30:00Z', '20240331020000')).toEqual({ git: 'U', ours: 'U' });
    expect(letters('Europe/Dublin', '2024-03-31T00:50:00Z', '20240331020000')).toEqual({ git: 'G', ours: 'G' });
    expect(letters('UTC', '2024-03-31T01:30:00Z', '20240331020000')).toEqual({ git: 'G', ours: 'G' });
    // Winter: both the window and the commit time are read as IST, so 11:30Z is inside a 12:00 end.
    expect(letters('Europe/Dublin', '2024-01-15T11:30:00Z', '20240115120000')).toEqual({ git: 'G', ours: 'G' });
  });
});
