// Red-team round 16: git's `cat-file --batch` streams a loose blob as stored, after a header whose size
// is the object's own claim. A blob whose header says fewer bytes than it holds ran on into what the
// reader took as the next answer: a header and body the blob's bytes forged (an object that hashes to
// its own id) answered the next request, and every answer after it went to the wrong request. One
// that says more bytes than it holds, or one skipped as over a limit, swallowed the next answers.
// Each answer must be the object asked for, and a reader that lost the framing answers nothing more.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { createShadow } from '../../src/collect/git.js';
import { ObjectReader } from '../../src/collect/objects.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(() => cleanupTemp());

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

/** A loose object of header `type size`, holding `content`, stored under the id of its exact bytes. */
function plant(r: TestRepo, type: string, size: number, content: Buffer): string {
  const raw = Buffer.concat([Buffer.from(`${type} ${size}\0`), content]);
  const oid = sha1(raw);
  mkdirSync(join(r.dir, '.git/objects', oid.slice(0, 2)), { recursive: true });
  writeFileSync(join(r.dir, '.git/objects', oid.slice(0, 2), oid.slice(2)), deflateSync(raw));
  return oid;
}

function blob(r: TestRepo, text: string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: text,
    encoding: 'utf8',
  }).trim();
}

/** What each read answered: the object's id and text, or the error's name. */
async function readAll(r: TestRepo, specs: string[], maxBytes?: number): Promise<string[]> {
  const shadow = createShadow(join(r.dir, '.git'), 'sha1');
  const reader = new ObjectReader(shadow);
  try {
    const got = await Promise.allSettled(specs.map((s) => reader.read(s, maxBytes)));
    return got.map((g) =>
      g.status === 'fulfilled'
        ? g.value
          ? `${g.value.oid} ${g.value.body.toString('latin1')}`
          : 'null'
        : (g.reason as Error).constructor.name,
    );
  } finally {
    reader.close();
    shadow.dispose();
  }
}

/** No answer is another object than the one asked for. */
function own(specs: string[], answers: string[]): void {
  answers.forEach((a, i) => {
    if (/^[0-9a-f]{40} /.test(a)) expect(a.slice(0, 40)).toBe(specs[i]);
  });
}

test('a blob that holds more than its header says cannot answer the next request with an object of its making', async () => {
  const r = makeRepo();
  const good = blob(r, 'alice@example.com ssh-ed25519 AAAA\n');
  const forged = Buffer.from('mallory@example.com ssh-ed25519 BBBB\n');
  const forgedId = sha1(Buffer.concat([Buffer.from(`blob ${forged.length}\0`), forged]));
  const bad = plant(
    r,
    'blob',
    5,
    Buffer.concat([Buffer.from(`hello\n${forgedId} blob ${forged.length}\n`), forged, Buffer.from('\n')]),
  );
  const specs = [bad, good, good];
  const answers = await readAll(r, specs);
  own(specs, answers);
  expect(answers[0]).toBe('TamperedObjectError');
  expect(answers.join('\n')).not.toContain('mallory');
});

test('a blob that holds fewer bytes than its header says does not swallow the next answer', async () => {
  const r = makeRepo();
  const good = blob(r, 'alice\n');
  const bad = plant(r, 'blob', 40, Buffer.from('0123456789'));
  const specs = [bad, good, good];
  const answers = await readAll(r, specs);
  own(specs, answers);
  expect(answers[0]).toMatch(/^(TamperedObjectError|GitError)$/); // refused, by its hash or its framing
});

test('a blob skipped as over the limit whose header claims more than it holds: no later answer goes to another request', async () => {
  const r = makeRepo();
  const good = blob(r, 'x'.repeat(10));
  const other = blob(r, 'y'.repeat(10));
  const bad = plant(r, 'blob', 40, Buffer.from('0123456789'));
  const specs = [bad, good, other, good];
  const answers = await readAll(r, specs, 20);
  own(specs, answers);
});

test('twin: well-formed objects read in one batch each answer their own request', async () => {
  const r = makeRepo();
  const ids = ['a\n', 'b\n', 'c'.repeat(100)].map((t) => blob(r, t));
  const answers = await readAll(r, ids);
  expect(answers.map((a) => a.slice(0, 40))).toEqual(ids);
});

test('`<commit>:<path>` finds the entry git finds: a name that is not UTF-8 does not stand in for U+FFFD', async () => {
  const r = makeRepo();
  const decoy = Buffer.concat([Buffer.from(join(r.dir, 'acts/')), Buffer.from([0xee])]);
  mkdirSync(decoy, { recursive: true });
  writeFileSync(Buffer.concat([decoy, Buffer.from('/action.yml')]), 'decoy\n');
  r.write({ 'acts/\u{FFFD}/action.yml': 'real\n' });
  const commit = r.commit('two folders', {});
  const spec = `${commit}:acts/\u{FFFD}/action.yml`;
  const git = execFileSync('git', ['cat-file', '-p', spec], { cwd: r.dir, env: r.env, encoding: 'utf8' });
  const [ours] = await readAll(r, [spec]);
  expect([git, ours!.slice(41)]).toEqual(['real\n', 'real\n']);
});
