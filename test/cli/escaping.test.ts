// Everything gitguard prints from a repository is attacker-controlled. A commit message, a name, a
// branch or a config value carrying terminal escapes, bidi overrides, C1 controls or DEL must reach
// the terminal as visible escapes, never as raw bytes; the JSON report must keep the data intact
// while its text carries no raw C1/DEL/bidi characters; a password in a URL is never printed.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { hasStackTrace, parseJson, resultOf, runMain, type CliResult, type JsonReport } from '../helpers/cli.js';

afterAll(cleanupTemp);

const ESC = '\u001b';
const RED = `${ESC}[31m`;
const TITLE = `${ESC}]0;title\u0007`;
const CLEAR = `${ESC}[2J`;
const RLO = '\u202e'; // right-to-left override
const CSI = '\u009b'; // C1 control sequence introducer
const DEL = '\u007f';
// Invisible: a zero-width space, a tag character (U+E0041, an invisible "A") and a soft hyphen.
const INVISIBLE = '\u200b\u{e0041}\u00ad';

const SUBJECT = `fix ${RED}red${ESC}[0m ${TITLE} ${CLEAR} ${RLO}txt.exe ${CSI}31m del${DEL} ad${INVISIBLE}min`;
const AUTHOR = `Mallory ${RED}Admin${ESC}[0m ${RLO}gro.elpmaxe${CSI}${DEL}`;
const BRANCH = `evil${RLO}-${CSI}-branch`; // git refuses C0 controls and DEL in ref names, not these
const TLS_URL = `https://mirror${RED}.example${TITLE}${RLO}${CSI}${DEL}/`;

/** Raw bytes/characters that must never reach a terminal. */
function expectNoRawControls(r: CliResult): void {
  // The output does show the hostile commit (so its controls had their chance to get through).
  expect(r.stdout).toContain(evilCommit.slice(0, 12));
  const bytes = r.stdoutBytes;
  for (const b of [0x1b, 0x07, 0x7f]) expect([b, bytes.includes(b)]).toEqual([b, false]);
  // U+202E and U+009B as UTF-8.
  expect(bytes.includes(Buffer.from(RLO, 'utf8'))).toBe(false);
  expect(bytes.includes(Buffer.from(CSI, 'utf8'))).toBe(false);
  expect(r.stdout).not.toMatch(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u{e0000}-\u{e007f}]/u,
  );
  expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
}

let repo: TestRepo;
let evilCommit: string;

beforeAll(async () => {
  repo = makeRepo();
  repo.commit('plain start');
  repo.run(['checkout', '-q', '-b', BRANCH]);
  repo.write({ 'x.txt': 'x\n' });
  repo.run(['add', '-A']);
  repo.run(['commit', '-q', '--cleanup=verbatim', '-m', `${SUBJECT}\n\nbody ${CLEAR}${RLO}`], {
    env: { GIT_AUTHOR_NAME: AUTHOR, GIT_COMMITTER_NAME: AUTHOR, GIT_COMMITTER_EMAIL: `m${RLO}@example.com` },
  });
  evilCommit = repo.head();
  // git stores these unchanged (the premise of the test).
  expect(repo.run(['log', '-1', '--format=%s%x00%cn'])).toBe(`${SUBJECT}\u0000${AUTHOR}`);
  repo.run(['config', `http.${TLS_URL}.sslVerify`, 'false']);
  repo.run(['config', 'remote.origin.url', 'https://bob:hunter2@example.com/r.git']);
  repo.run(['config', 'remote.origin.pushurl', `https://bob:hunter2@example.com/${RED}push.git`]);
  repo.run(['config', 'remote.mirror.url', `https://carol:s3cr3t-${RLO}${CSI}@example.com/m.git`]);
});

describe('the text report', () => {
  let r: CliResult;
  beforeAll(async () => {
    r = await runMain(['audit', repo.dir, '--verbose'], { env: repo.env });
  });

  test('audits the repository (exit 1 for the unsigned commits and the credentials)', async () => {
    expect(hasStackTrace(r)).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(evilCommit.slice(0, 12));
  });

  test('contains no raw escape, bidi, C1 or DEL characters', async () => {
    expectNoRawControls(r);
  });

  test('shows the commit subject and committer name with their controls made visible', async () => {
    expect(r.stdout).toContain(
      'fix \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 \\x1b[2J \\u{202e}txt.exe \\x9b31m del\\x7f ad\\u{200b}\\u{e0041}\\xadmin',
    );
    expect(r.stdout).toContain('Mallory \\x1b[31mAdmin\\x1b[0m \\u{202e}gro.elpmaxe\\x9b\\x7f');
  });

  test('shows the branch name and the config key with their controls made visible', async () => {
    expect(r.stdout).toContain('evil\\u{202e}-\\x9b-branch');
    expect(r.stdout).toContain('mirror\\x1b[31m.example\\x1b]0;title\\x07\\u{202e}\\x9b\\x7f/');
  });

  test('never prints a password from a remote URL', async () => {
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).not.toContain('s3cr3t');
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stdout).toMatch(/FAIL\s+remote-urls-without-credentials/);
    expect(r.stdout).toContain('https://bob:***@example.com/r.git');
  });

  test('the default (non-verbose) text report is just as clean', async () => {
    const plain = await runMain(['audit', repo.dir, '--all'], { env: repo.env });
    expect(plain.code).toBe(1);
    expectNoRawControls(plain);
    expect(plain.stdout).not.toContain('hunter2');
    expect(plain.stdout).not.toContain('s3cr3t');
  });
});

describe('the json report', () => {
  let r: CliResult;
  let report: JsonReport;
  beforeAll(async () => {
    r = await runMain(['audit', repo.dir, '--format', 'json'], { env: repo.env });
    report = parseJson(r);
  });

  test('has no raw escape, bidi, C1 or DEL characters in its text', async () => {
    expect(r.code).toBe(1);
    expectNoRawControls(r);
  });

  test('keeps the original strings intact once parsed', async () => {
    expect(report.repository.head.ref).toBe(`refs/heads/${BRANCH}`);
    expect(report.scope.description).toContain(BRANCH);
    const finding = resultOf(report, 'commits-signed').findings.find((f) => f.commit === evilCommit);
    expect(finding).toBeDefined();
    expect(finding!.evidence?.subject).toBe(SUBJECT);
    expect(finding!.evidence?.committer).toBe(`${AUTHOR} <m${RLO}@example.com>`);
    expect(finding!.evidence?.author).toBe(`${AUTHOR} <alice@example.com>`);
    expect(finding!.message).toContain(SUBJECT);
    const tls = resultOf(report, 'tls-verification-enabled');
    expect(tls.outcome).toBe('fail');
    expect(tls.findings.map((f) => f.message).join('\n')).toContain(TLS_URL.slice(0, -1));
  });

  test('never contains a password from a remote URL, yet names each remote that has one', async () => {
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).not.toContain('s3cr3t');
    const creds = resultOf(report, 'remote-urls-without-credentials');
    expect(creds.outcome).toBe('fail');
    const keys = creds.findings.map((f) => f.evidence?.key).sort();
    expect(keys).toEqual(['remote.mirror.url', 'remote.origin.pushurl', 'remote.origin.url']);
    expect(JSON.stringify(creds.findings)).toContain('https://bob:***@example.com/r.git');
  });
});

describe('passwords in other URL-shaped config', () => {
  // Regression: URL subsections of config keys (http.<url>.*) were once printed unredacted.
  test('a password in an http.<url>.sslVerify key is not printed', async () => {
    const other = makeRepo();
    other.run(['config', 'http.https://dave:opensesame@example.net/.sslVerify', 'false']);
    for (const format of ['text', 'json']) {
      const res = await runMain(['audit', other.dir, '--format', format, '--rule', 'tls-verification-enabled'], {
        env: other.env,
      });
      expect(res.code).toBe(1);
      expect(res.stdout).not.toContain('opensesame');
    }
  });

  test('a password in a url.<base>.insteadOf rewrite is not printed', async () => {
    const other = makeRepo();
    other.run(['config', 'url.https://erin:letmein@example.net/.insteadOf', 'https://example.net/']);
    for (const format of ['text', 'json']) {
      const res = await runMain(['audit', other.dir, '--format', format, '--rule', 'remote-urls-without-credentials'], {
        env: other.env,
      });
      expect(res.code).toBe(1);
      expect(res.stdout).not.toContain('letmein');
    }
  });
});
