// npxcache190: npm's cache restored before a `run:` gate (actions/setup-node's `cache: npm`,
// actions/cache of `~/.npm` or `~/.npm/_cacache`). GitHub restores a cache a run of the same branch
// or pull request saved (a commit since force-pushed away), and what npx runs is decided by what is
// in `~/.npm`: a package in `~/.npm/_npx/<hash>` (the hash of the spec as written) is run without a
// check, and a cached packument its headers call fresh names the tarball and the integrity the
// cached tarball is checked against. So after such a restore a `run:` gate keeps only where each
// call is `npx --cache "$(mktemp -d)" ...` (or `npm exec` so): a new cache, the package from the
// registry. gitguard's own action keeps: its `npm ci` checks every tarball against its lock. cache208:
// that reading now holds for download-artifact only; a restore of GitHub's cache (setup-node's
// `cache:`, actions/cache) loses the gate whatever the call (its entry lands anywhere: tar -P).
// The reference below runs real npm on a registry served on 127.0.0.1.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { artifactStep, cacheStep, checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const run = runStep;
const setupNode = (cache: string): string =>
  `      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n${cache ? `          cache: ${cache}\n` : ''}`;
const NPM = setupNode('npm');
const OWN = `      - uses: acme/gitguard@${'1'.repeat(40)}\n`;
const FRESH = 'npx --cache "$(mktemp -d)" gitguard audit';

type Case = [name: string, files: Record<string, string>];
const LOST: Case[] = [
  ['cache: npm, npx gitguard', checkoutJob(NPM, run('npx gitguard audit'))],
  ['cache: npm, npx --yes gitguard@1.2.3', checkoutJob(NPM, run('npx --yes gitguard@1.2.3 audit'))],
  ['cache: npm, npx --prefer-online gitguard', checkoutJob(NPM, run('npx --prefer-online gitguard audit'))],
  ['cache: npm, rm -rf ~/.npm/_npx first', checkoutJob(NPM, run('rm -rf ~/.npm/_npx && npx gitguard audit'))],
  ['cache: npm, gitguard from PATH', checkoutJob(NPM, run('gitguard audit'))],
  ['cache: npm, a cache folder not made new', checkoutJob(NPM, run('npx --cache /tmp/c gitguard audit'))],
  ['cache: npm, one call fresh and one not', checkoutJob(NPM, run(`${FRESH}\nnpx gitguard verify`))],
  ['cache: npm, a script running npx', checkoutJob(NPM, run('bash ci/gate.sh'), { 'ci/gate.sh': FRESH })],
  ['cache: NPM', checkoutJob(setupNode('NPM'), run('npx gitguard audit'))],
  ['cache: ${{ vars.PM }}', checkoutJob(setupNode('${{ vars.PM }}'), run('npx gitguard audit'))],
  ['actions/cache of ~/.npm', checkoutJob(cacheStep('~/.npm'), run('npx gitguard audit'))],
  ['actions/cache of $HOME/.npm/_cacache', checkoutJob(cacheStep('$HOME/.npm/_cacache'), run('npx gitguard audit'))],
  ['download-artifact into ~/.npm', checkoutJob(artifactStep('~/.npm'), run('npx gitguard audit'))],
  // Fail closed: whether npx finds gitguard in node_modules hangs on the commit's lock, not read here.
  ['cache: npm, npm ci, npx gitguard', checkoutJob(`${NPM}${run('npm ci')}`, run('npx gitguard audit'))],
];
const KEPT: Case[] = [
  ['download-artifact into ~/.npm, npx --cache "$(mktemp -d)"', checkoutJob(artifactStep('~/.npm'), run(FRESH))],
  [
    'download-artifact into ~/.npm, npm exec with a fresh cache',
    checkoutJob(artifactStep('~/.npm'), run('npm exec --cache "$(mktemp -d)" -- gitguard audit')),
  ],
  ['download-artifact into ~/.npm, then gitguard own action', checkoutJob(artifactStep('~/.npm'), OWN)],
  ['setup-node with no cache, npx gitguard', checkoutJob(setupNode(''), run('npx gitguard audit'))],
  ['npx gitguard, then cache: npm', checkoutJob('', `${run('npx gitguard audit')}${NPM}`)],
];
// cache208: a restore of GitHub's cache service is no gate whatever the call: the change saves the
// entry its own gate job restores, and the toolkit's `tar -P` unpacks it anywhere (a new npx cache
// does not help, nor does gitguard's own action, nor another path or package manager).
const CACHE_LOST: Case[] = [
  ['cache: npm, npx --cache "$(mktemp -d)"', checkoutJob(NPM, run(FRESH))],
  [
    'cache: npm, npx --yes --cache=$(mktemp -d) gitguard@1',
    checkoutJob(NPM, run('npx --yes --cache=$(mktemp -d) gitguard@1 audit')),
  ],
  [
    'cache: npm, npm exec with a fresh cache',
    checkoutJob(NPM, run('npm exec --cache "$(mktemp -d)" -- gitguard audit')),
  ],
  ['actions/cache of ~/.npm, a fresh cache', checkoutJob(cacheStep('~/.npm'), run(FRESH))],
  ['cache: npm, then gitguard own action', checkoutJob(NPM, OWN)],
  ['cache: yarn, npx gitguard', checkoutJob(setupNode('yarn'), run('npx gitguard audit'))],
  ['actions/cache of ~/.cache/pip, npx gitguard', checkoutJob(cacheStep('~/.cache/pip'), run('npx gitguard audit'))],
];

describe('npxcache190: npm cache restored before the gate', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', run('npx gitguard audit'));
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of [...LOST, ...CACHE_LOST])
    it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// The reference: real npm against a registry on 127.0.0.1 serving one `gitguard` (its bin prints
// REAL). A `~/.npm` made by another run holds either a planted `_npx/<hash>/node_modules/gitguard`
// or, in `_cacache`, a packument (cache-control max-age far ahead) and tarball of a gitguard printing
// EVIL; the job's npx call is then run with that HOME.
const npmOk = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
(npmOk ? describe : describe.skip)('npxcache190: what npx runs from a restored ~/.npm (real npm)', () => {
  const root = mkdtempSync(join(tmpdir(), 'npxcache190-'));
  let server: ChildProcess | undefined;
  let port = 0;
  const pkg = (which: string): Buffer => {
    const dir = join(root, `pkg-${which}`);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'gitguard', version: '1.2.3', bin: { gitguard: 'bin/g.js' } }),
    );
    writeFileSync(join(dir, 'bin/g.js'), `#!/usr/bin/env node\nconsole.log(${JSON.stringify(which)})\n`);
    chmodSync(join(dir, 'bin/g.js'), 0o755);
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: dir, encoding: 'utf8' });
    return readFileSync(join(root, name.trim()));
  };
  /** A registry serving `tgz` as gitguard 1.2.3, its packument with `cacheControl`; resolves its port. */
  const serve = async (tgz: Buffer, cacheControl: string): Promise<void> => {
    const code = `const http=require('http');const tgz=Buffer.from(process.env.TGZ,'base64');
const integrity='sha512-'+require('crypto').createHash('sha512').update(tgz).digest('base64');
const s=http.createServer((q,r)=>{const base='http://127.0.0.1:'+s.address().port;
if(q.url==='/gitguard'){r.setHeader('content-type','application/json');r.setHeader('cache-control',process.env.CC);
r.end(JSON.stringify({name:'gitguard','dist-tags':{latest:'1.2.3'},versions:{'1.2.3':{name:'gitguard',version:'1.2.3',bin:{gitguard:'bin/g.js'},dist:{tarball:base+'/gitguard/-/gitguard-1.2.3.tgz',integrity}}}}));}
else if(q.url==='/gitguard/-/gitguard-1.2.3.tgz')r.end(tgz);else{r.statusCode=404;r.end('{}');}});
s.listen(+process.env.PORT,'127.0.0.1',()=>console.log(s.address().port));`;
    const env = { ...process.env, TGZ: tgz.toString('base64'), CC: cacheControl, PORT: String(port) };
    server = spawn(process.execPath, ['-e', code], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((ok) => server!.stdout!.once('data', (d: Buffer) => ok(Number(String(d)))));
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    const done = new Promise((ok) => s.once('exit', ok));
    s.kill();
    await done;
  };
  /** `line` run by bash in an empty folder with HOME `home`, npm pointed at the registry; its output. */
  const job = (home: string, line: string): string => {
    const cwd = join(root, 'w');
    mkdirSync(cwd, { recursive: true });
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      npm_config_registry: `http://127.0.0.1:${port}/`,
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const r = spawnSync('bash', ['-c', line], { cwd, env, encoding: 'utf8' });
    return `${r.stdout}`.trim().split('\n').pop() ?? '';
  };
  let real: Buffer;
  let evil: Buffer;
  const poisoned = join(root, 'poisoned');
  beforeAll(async () => {
    [real, evil] = [pkg('REAL'), pkg('EVIL')];
    // Another run's `~/.npm`: a registry (at the same address) that served EVIL with a long max-age.
    await serve(evil, 'public, max-age=999999999');
    job(poisoned, 'npx --yes gitguard@1.2.3 && npx --yes gitguard');
    await stop();
    rmSync(join(poisoned, '.npm/_npx'), { recursive: true, force: true });
    await serve(real, 'public, max-age=300');
  }, 600_000);
  afterAll(async () => {
    await stop();
    rmSync(root, { recursive: true, force: true });
  });
  /** A fresh HOME holding a copy of the poisoned `~/.npm`. */
  const restored = (): string => {
    const home = mkdtempSync(join(root, 'h-'));
    cpSync(join(poisoned, '.npm'), join(home, '.npm'), { recursive: true });
    return home;
  };
  /**
   * A HOME whose `~/.npm/_npx` holds, for `spec`, a gitguard printing EVIL that npx installed: npx
   * installs it once per spec, and each call gets its own copy of that `~/.npm`.
   */
  const plantedOnce = new Map<string, string>();
  const planted = (spec: string): string => {
    let made = plantedOnce.get(spec);
    if (!made) {
      made = mkdtempSync(join(root, 'planted-'));
      expect(job(made, `npx --yes ${spec}`)).toBe('REAL');
      const hash = createHash('sha512').update(spec).digest('hex').slice(0, 16);
      const bin = join(made, '.npm/_npx', hash, 'node_modules/gitguard/bin/g.js');
      writeFileSync(bin, '#!/usr/bin/env node\nconsole.log("EVIL")\n');
      rmSync(join(made, '.npm/_cacache'), { recursive: true, force: true });
      plantedOnce.set(spec, made);
    }
    const home = mkdtempSync(join(root, 'h-'));
    // verbatimSymlinks: node_modules/.bin's relative links point into the copy, not the original.
    cpSync(join(made, '.npm'), join(home, '.npm'), { recursive: true, verbatimSymlinks: true });
    return home;
  };

  it('an empty HOME runs the registry gitguard', () => {
    expect(job(mkdtempSync(join(root, 'h-')), 'npx --yes gitguard')).toBe('REAL');
  }, 600_000);
  it('a planted ~/.npm/_npx/<hash> is run, by name, by exact version and by npm exec --package', () => {
    expect(job(planted('gitguard'), 'npx --yes gitguard')).toBe('EVIL');
    expect(job(planted('gitguard@1.2.3'), 'npx --yes gitguard@1.2.3')).toBe('EVIL');
    expect(job(planted('gitguard@1.2.3'), 'npm exec --yes --package=gitguard@1.2.3 -- gitguard')).toBe('EVIL');
    expect(job(planted('gitguard@1.2.3'), 'npx --yes --prefer-online gitguard@1.2.3')).toBe('EVIL');
  }, 600_000);
  it('a poisoned _cacache (packument and tarball) is run with no _npx, rm -rf ~/.npm/_npx first too', () => {
    expect(job(restored(), 'npx --yes gitguard')).toBe('EVIL');
    expect(job(restored(), 'rm -rf ~/.npm/_npx && npx --yes gitguard@1.2.3')).toBe('EVIL');
  }, 600_000);
  it('npx --cache "$(mktemp -d)" runs the registry gitguard after either', () => {
    expect(job(restored(), `npx --yes --cache "$(mktemp -d)" gitguard`)).toBe('REAL');
    expect(job(planted('gitguard'), 'npx --yes --cache=$(mktemp -d) gitguard')).toBe('REAL');
    expect(job(planted('gitguard'), 'npm exec --yes --cache "$(mktemp -d)" -- gitguard')).toBe('REAL');
  }, 600_000);
  it('npm ci checks the cached tarball against the lock: the locked gitguard is the registry one', () => {
    const project = mkdtempSync(join(root, 'p-'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', devDependencies: { gitguard: '1.2.3' } }),
    );
    const integrity = `sha512-${createHash('sha512').update(real).digest('base64')}`;
    const resolved = `http://127.0.0.1:${port}/gitguard/-/gitguard-1.2.3.tgz`;
    const pkgs = {
      '': { name: 'p', version: '1.0.0', devDependencies: { gitguard: '1.2.3' } },
      'node_modules/gitguard': { version: '1.2.3', resolved, integrity, dev: true, bin: { gitguard: 'bin/g.js' } },
    };
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', lockfileVersion: 3, requires: true, packages: pkgs }),
    );
    expect(job(restored(), `cd ${JSON.stringify(project)} && npm ci --silent && npx gitguard`)).toBe('REAL');
  }, 600_000);
});
