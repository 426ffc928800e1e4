// Secrets 64: the version a rename with edits puts at a new path is read whole after the logs
// (moved-lines.ts), whether the log reader that met the rename read it directly or deferred (the next
// chunk's log, read ahead: log-reader.ts). One commit per chunk, two logs at a time or one: the same
// findings, the moved file's at its new path among them, as `git show` prints it there.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { logArgs, scanSecrets } from '../../src/collect/secrets/scan.js';
import { LogReader } from '../../src/collect/secrets/log-reader.js';
import { ScanTally } from '../../src/collect/secrets/scan-tally.js';
import { SecretDetector } from '../../src/collect/secrets/detect.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { emptySecretsFacts, TokenFactory } from '../helpers/secrets.js';

afterAll(() => cleanupTemp());

test('a rename with an edit in a chunk read ahead: its kept lines found at the new path, as when read directly', async () => {
  const pair = new TokenFactory(6466).awsPair();
  const config = `// settings\nconst id = "${pair.id}";\nconst secret = "aws_secret_access_key = ${pair.secret}";\nexport const region = "eu-west-1";\nexport const retries = 3;\n`;
  const r = makeRepo();
  r.commit('init', { 'README.md': '# app\n' });
  r.commit('vendor', { 'node_modules/aws/config.js': config });
  for (let i = 0; i < 3; i += 1) r.commit(`step ${i}`, { [`docs/${i}.md`]: `${i}\n` });
  mkdirSync(join(r.dir, 'src'), { recursive: true });
  r.run(['mv', 'node_modules/aws/config.js', 'src/config.js']);
  appendFileSync(join(r.dir, 'src/config.js'), '// moved\n');
  r.run(['add', 'src/config.js']);
  r.run(['commit', '-q', '-m', 'move']);
  const moved = r.head();
  expect(r.run(['log', '-1', '-M', '--format=', '--name-status'])).toMatch(/^R0\d\d\t/);
  expect(r.run(['show', `${moved}:src/config.js`])).toContain(pair.id);
  const repo = await discoverRepository(r.dir);
  const at = async (serialLogs: boolean, chunkCommits: number) =>
    (await scanSecrets(repo, [moved], { chunkCommits, serialLogs })).leaks
      .map((l) => `${l.commit === moved ? 'moved' : 'vendor'}:${l.path}:${l.line}:${l.kind}`)
      .sort();
  const whole = await at(true, 100);
  expect(whole.some((l) => l.startsWith('moved:src/config.js:3:'))).toBe(true);
  expect(await at(false, 1)).toEqual(whole);
  expect(await at(true, 1)).toEqual(whole);

  // The log reader itself: the rename's log read deferred (the chunk before still being read), then
  // handed over, notes the moved version as one read directly does.
  const out = execFileSync('git', ['-C', r.dir, ...logArgs(8 * 1024 * 1024)], { input: `${moved}\n` });
  const blob = r.run(['rev-parse', `${moved}:src/config.js`]);
  const noted = (deferred: boolean) => {
    const tally = new ScanTally(emptySecretsFacts());
    const reader = new LogReader(tally, new SecretDetector({ entropy: false }), deferred);
    reader.read(out);
    reader.end();
    reader.goDirect();
    return [...tally.moved];
  };
  const want = [[blob, { commit: moved, path: 'src/config.js', from: 'node_modules/aws/config.js' }]];
  expect(noted(false)).toEqual(want);
  expect(noted(true)).toEqual(want);
});
