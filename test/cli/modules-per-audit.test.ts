// Which modules one `gitguard audit` process loads: every hook run and every CI audit pays for each
// at start (node compiles it), so what a run does not use stays unloaded. Logged from the built binary
// through a module hook (ESM imports) and require's cache at exit (CommonJS: semver, commander).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, parseJson, runCommand, type CliResult } from '../helpers/cli.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { makeSshKey } from '../helpers/ssh.js';

let dir: string;
let preload: string;
beforeAll(() => {
  dir = tempDir('gg-modules-');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function resolve(specifier, context, next) {\n' +
      '  const r = await next(specifier, context);\n' +
      '  appendFileSync(process.env.GG_MODULE_LOG, `${r.url}\\n`);\n' +
      '  return r;\n}\n',
  );
  preload = join(dir, 'preload.mjs');
  writeFileSync(
    preload,
    "import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n" +
      "register(new URL('./hooks.mjs', import.meta.url));\n" +
      'const cache = createRequire(import.meta.url).cache;\n' +
      "process.on('exit', () => appendFileSync(process.env.GG_MODULE_LOG, Object.keys(cache).map((f) => `file://${f}\\n`).join('')));\n",
  );
});
afterAll(() => cleanupTemp());

/** `node <preload> args...`: what it printed, and the files of this package (dist/, node_modules/) it loaded. */
function logged(args: string[], env: NodeJS.ProcessEnv, name: string): { res: CliResult; files: Set<string> } {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  const res = runCommand(process.execPath, ['--import', preload, ...args], { env: { ...env, GG_MODULE_LOG: log } });
  const files = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith(`file://${ROOT}/`))
      .map((u) => u.slice(`file://${ROOT}/`.length)),
  );
  return { res, files };
}

const reporters = (files: Set<string>): string[] =>
  [...files].filter((f) => /^dist\/report\/(text|json|sarif|junit|markdown)\.js$/.test(f)).sort();
const from = (files: Set<string>, pkg: string): string[] =>
  [...files].filter((f) => f.startsWith(`node_modules/${pkg}/`));

test('a json audit loads the json renderer alone, no chalk, and semver’s three functions, not its index', () => {
  const r = sshSigningRepo(makeSshKey(dir, 'ed25519', 'alice'));
  r.commit('work', { 'a.txt': 'a\n', 'SECURITY.md': 'Report to security@example.com\n' });
  r.run(['tag', '-m', 'v1', 'v1']);
  const { res, files } = logged([BIN, 'audit', '-C', r.dir, '--format', 'json'], r.env, 'json');
  expect(res.code).not.toBe(2);
  // The audit ran through: the client rules compared versions (semver) and the report is json.
  expect(parseJson(res).results.find((x) => x.meta.id === 'git-client-patched')?.outcome).toMatch(/pass|fail|warn/);
  expect(reporters(files)).toEqual(['dist/report/json.js']);
  expect(from(files, 'chalk')).toEqual([]);
  expect(files.has('node_modules/semver/index.js')).toBe(false);
  expect(files.has('node_modules/semver/functions/compare.js')).toBe(true);
  expect(from(files, 'semver').length).toBeLessThanOrEqual(10); // 47 with its index
});

test('the text format loads its renderer and chalk (the twin: the log sees what is loaded)', () => {
  const script = `const { reporterFor } = await import(${JSON.stringify(join(ROOT, 'dist/report/index.js'))}); await reporterFor('text');`;
  const { res, files } = logged(['--input-type=module', '-e', script], process.env, 'text');
  expect(res.code).toBe(0);
  expect(reporters(files)).toEqual(['dist/report/text.js']);
  expect(from(files, 'chalk').length).toBeGreaterThan(0);
});
