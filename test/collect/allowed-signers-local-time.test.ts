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
import { parseAbsoluteTime, parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
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

/** git log %G? and gitguard's letter for a commit signed at `date` with `line` as allowed_signers, under TZ=zone. */
function gitAndOurLetters(zone: string, date: string, line: string): { git: string; ours: string } {
  const repo = makeRepo();
  const oid = signedCommit(repo, key, `at ${date}`, { date });
  const file = writeAllowedSigners(join(dir, 'repo-signers'), [line]);
  const git = repo.run([...gitSshVerifyArgs(file), 'log', '-1', '--format=%G?', oid], { env: { TZ: zone } });
  const split = splitCommit(catCommit(repo, oid));
  const ours = inZone(zone, () => {
    const signers = parseAllowedSigners(line, file);
    return verifySshSignature(split.payload, split.signature, signers, { at: split.committerTime }).letter;
  });
  return { git, ours };
}

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
    // A wall time with two standard readings (London's 1971 end of British Standard Time) is read as
    // the narrowest window whatever mktime's guess: there, only never G where ssh-keygen refuses.
    const twoReadings = (line: string): boolean =>
      inZone(zone, () => {
        const wall = /"(\d{14})"/.exec(line)![1]!;
        return parseAbsoluteTime(wall, 'earliest') !== parseAbsoluteTime(wall, 'latest');
      });
    const ours = ourVerdicts(zone, probes);
    expect(probes.filter((_, k) => ours[k] && !reference[k])).toEqual([]);
    expect(probes.filter((p, k) => !twoReadings(p.line) && ours[k] !== reference[k])).toEqual([]);
  });

  test('git log %G? in Europe/Dublin at the spring change: the window ends at 01:00Z, not 02:00Z; twins pass', () => {
    const letters = (zone: string, date: string, before: string) =>
      gitAndOurLetters(zone, date, `${PRINCIPAL} valid-before="${before}" ${key.pub}`);
    // 02:00 on 2024-03-31 is the first IST wall time (01:00Z); a commit at 01:30Z is past it.
    expect(letters('Europe/Dublin', '2024-03-31T01:30:00Z', '20240331020000')).toEqual({ git: 'U', ours: 'U' });
    expect(letters('Europe/Dublin', '2024-03-31T00:50:00Z', '20240331020000')).toEqual({ git: 'G', ours: 'G' });
    expect(letters('UTC', '2024-03-31T01:30:00Z', '20240331020000')).toEqual({ git: 'G', ours: 'G' });
    // Winter: both the window and the commit time are read as IST, so 11:30Z is inside a 12:00 end.
    expect(letters('Europe/Dublin', '2024-01-15T11:30:00Z', '20240115120000')).toEqual({ git: 'G', ours: 'G' });
  });
});

// glibc's mktime starts from the UTC offset its previous call found (0 in a new process). Moscow went
// from +04 to +03 at 2014-10-25 22:00Z, both standard time: 01:30 on the 26th is 21:30Z or 22:30Z,
// and ssh-keygen takes the reading its previous call leads to (a valid-after read before a
// valid-before: the +04 reading; the -Overify-time alone: +03). gitguard keeps the narrowest window.
describe('a wall time with two standard readings (Europe/Moscow 2014-10-26 01:30)', () => {
  const zone = 'Europe/Moscow';
  const lines = [
    `${PRINCIPAL} valid-after="20140601000000",valid-before="20141026013000"`,
    `${PRINCIPAL} valid-before="20141026013000"`,
    `${PRINCIPAL} valid-after="20141026013000"`,
    `${PRINCIPAL} valid-before="20141026013000",valid-after="20140601000000"`,
  ];
  // Every 5 minutes from 20:55Z to 23:00Z, and the day before and after.
  const start = Date.UTC(2014, 9, 25, 20, 55) / 1000;
  const times = [...Array.from({ length: 26 }, (_, k) => start + 300 * k), start - 86400, start + 86400];
  const moscowProbes = (): Probe[] => lines.flatMap((l) => times.map((at) => ({ line: `${l} ${key.pub}`, at })));

  test('never G where ssh-keygen refuses; the same verdict outside the hour of two readings', () => {
    const probes = moscowProbes();
    const reference = sshKeygenVerdicts(zone, probes);
    const ours = ourVerdicts(zone, probes);
    // ssh-keygen's window differs by the option before: the first line ends at 21:30Z, the second at 22:30Z.
    expect(reference.filter((g) => g).length).toBeGreaterThan(probes.length / 4);
    expect(probes.filter((_, k) => ours[k] && !reference[k])).toEqual([]);
    // Commits whose -Overify-time or window has two readings: 21:00Z to 22:30Z (a commit at 21:10Z is
    // 01:10 +04, which ssh-keygen reads back as 22:10Z).
    const twoReadings = (at: number) =>
      at >= Date.UTC(2014, 9, 25, 21) / 1000 && at <= Date.UTC(2014, 9, 25, 22, 30) / 1000;
    expect(probes.filter((p, k) => !twoReadings(p.at) && ours[k] !== reference[k])).toEqual([]);
    // git log %G? on a commit at 22:10Z, the first line: git is not G (was G to gitguard); the second line: G to git.
    const [first, second] = lines.map((l) => `${l} ${key.pub}`);
    expect(gitAndOurLetters(zone, '2014-10-25T22:10:00Z', first!)).toEqual({ git: 'U', ours: 'U' });
    expect(gitAndOurLetters(zone, '2014-10-25T22:10:00Z', second!).git).toBe('G');
    expect(gitAndOurLetters(zone, '2014-10-25T12:00:00Z', first!)).toEqual({ git: 'G', ours: 'G' });
  });

  test('twin: the same lines with Z, and the zone an hour east (Europe/Samara, +04 throughout), are ssh-keygen’s to the probe', () => {
    const probes = moscowProbes();
    const utc = probes.map((p) => ({ ...p, line: p.line.replace(/(\d{14})"/g, '$1Z"') }));
    expect(ourVerdicts(zone, utc)).toEqual(sshKeygenVerdicts(zone, utc));
    expect(ourVerdicts('Europe/Samara', probes)).toEqual(sshKeygenVerdicts('Europe/Samara', probes));
  });
});

// POSIX TZ strings read exactly as glibc reads them, or refused: a rule's time of day is not clamped
// ("/1:90" is 02:30, where offsets clamp minutes to 59), and a sign followed by white space or a
// second sign, which glibc's sscanf takes ("UTC- 5" is +05), is refused, not read as UTC.
describe('POSIX TZ strings glibc reads loosely', () => {
  const around = (iso: string) => {
    const t = Date.parse(iso) / 1000;
    return [-5401, -3600, -1800, -1, 0, 1, 1800, 3600, 5401].map((d) => t + d);
  };
  test('EST5EDT,M3.2.0,M11.1.0/1:90: DST ends at 02:30 EDT (06:30Z), as ssh-keygen reads the commit time', () => {
    const zone = 'EST5EDT,M3.2.0,M11.1.0/1:90';
    const probes = ['20241103020000', '20241103013000', '20241103030000'].flatMap((wall) =>
      (['valid-before', 'valid-after'] as const).flatMap((option) =>
        around('2024-11-03T06:30:00Z').map((at) => ({ line: `${PRINCIPAL} ${option}="${wall}" ${key.pub}`, at })),
      ),
    );
    expect(ourVerdicts(zone, probes)).toEqual(sshKeygenVerdicts(zone, probes));
  });

  // glibc reads these as +05 (07:00Z for a 12:00 end): read as UTC, a commit at 08:00Z was G.
  test.each(['UTC- 5', 'UTC-+5', 'EST- 5EDT,M3.2.0,M11.1.0'])(
    '%s: refused (never G), where glibc reads +05',
    (zone) => {
      const probes = [...around('2024-01-15T07:00:00Z'), ...around('2024-01-15T12:00:00Z')].map((at) => ({
        line: `${PRINCIPAL} valid-before="20240115120000" ${key.pub}`,
        at,
      }));
      const reference = sshKeygenVerdicts(zone, probes);
      expect(reference.some((g) => g) && reference.some((g) => !g)).toBe(true);
      expect(ourVerdicts(zone, probes)).toEqual(probes.map(() => false));
    },
  );

  test.each(['UTC 5', 'UTC+x', 'UTC0', 'EST5EDT,M3.2.0/2,M11.1.0/2'])('twin %s: read as glibc reads it', (zone) => {
    const probes = around('2024-01-15T12:00:00Z').map((at) => ({
      line: `${PRINCIPAL} valid-before="20240115120000" ${key.pub}`,
      at,
    }));
    expect(ourVerdicts(zone, probes)).toEqual(sshKeygenVerdicts(zone, probes));
  });
});
