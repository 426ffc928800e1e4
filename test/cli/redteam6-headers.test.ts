// Red-team round 6: commit headers git reads that gitguard must read too, without stopping. git takes
// any digits as a committer time (99999999999999 is the year 3170843); a JavaScript Date cannot hold
// it, and printing it stopped the audit with an internal error (exit 2) in the rules that show dates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, tempDir } from '../helpers/repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

test('a committer time beyond what a Date holds is judged and shown, not an internal error', async () => {
  const r = makeRepo();
  r.commit('root', { 'a.txt': 'a\n' });
  const tree = r.run(['rev-parse', 'HEAD^{tree}']).trim();
  const raw = `tree ${tree}\nparent ${r.head()}\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 99999999999999 +1060\n\nfar future\n`;
  const file = join(tempDir(), 'commit');
  writeFileSync(file, raw);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', file]).trim();
  r.run(['update-ref', 'refs/heads/main', oid]);
  // git reads it: the year 3170843.
  expect(r.run(['log', '-1', '--format=%cd', '--date=format:%Y', oid]).trim()).toBe('3170843');
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'commit-dates-plausible,commits-signed'],
    { env: r.env },
  );
  expect(res.code).toBe(1);
  const report = parseJson(res);
  const dates = resultOf(report, 'commit-dates-plausible');
  expect(dates.outcome).toBe('warn');
  expect(dates.findings.map((f) => f.message).join('\n')).toMatch(/99999999999999 s after 1970.* lies in the future/);
  expect(resultOf(report, 'commits-signed').outcome).toBe('fail');
});
