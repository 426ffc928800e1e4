// Red team 52: a replace ref is read by git 2.39 by the part of its name after the last `/`, whose
// first 40 hex digits (either case; the rest ignored) name the object replaced (replace-object.c
// register_replace_ref); any other name is ignored with "bad replace ref name". replace-refs-absent
// took the whole name after refs/replace/: refs/replace/foo, which git ignores, failed the rule as
// "object foo is replaced" (a false failure), and refs/replace/x/<id>, refs/replace/<ID> and
// refs/replace/<id>-old, which git honours, were reported under names that are no object.
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

function repo(): { r: ReturnType<typeof makeRepo>; one: string; two: string } {
  const r = makeRepo();
  const one = r.commit('one', { 'a.txt': 'a\n' });
  const two = r.commit('two', { 'b.txt': 'b\n' });
  return { r, one, two };
}

async function rule(r: ReturnType<typeof makeRepo>): Promise<{ outcome: string; findings: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'replace-refs-absent', '--format', 'json', '--no-ledger', '--no-cache'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'replace-refs-absent');
  return { outcome: result.outcome, findings: JSON.stringify(result.findings ?? []) };
}

test('refs/replace/foo, a name git ignores: git log shows the real history, and the rule passes (before: fail)', async () => {
  const { r, two } = repo();
  r.run(['update-ref', 'refs/replace/foo', two]);
  expect(r.run(['log', '--format=%s'])).toBe('two\none');
  expect(await rule(r)).toEqual({ outcome: 'pass', findings: '[]' });
});

describe.each([
  ['in a folder', (id: string) => `refs/replace/mirror/${id}`],
  ['in capitals', (id: string) => `refs/replace/${id.toUpperCase()}`],
  ['with a tail', (id: string) => `refs/replace/${id}-old`],
])('a replace ref named %s', (_, name) => {
  test('git replaces the commit it names, and the rule fails naming that commit and the ref', async () => {
    const { r, one, two } = repo();
    r.run(['update-ref', name(one), two]);
    expect(r.run(['log', '-1', '--format=%s', one])).toBe('two'); // git shows the replacement under one's id
    expect(r.run(['--no-replace-objects', 'log', '-1', '--format=%s', one])).toBe('one');
    const o = await rule(r);
    expect(o.outcome).toBe('fail');
    expect(o.findings).toContain(`"commit":"${one}"`);
    expect(o.findings).toContain(`commit ${one} (\\"one\\") is replaced by ${two}`);
    expect(o.findings).toContain(JSON.stringify(name(one)));
  });
});

test('twin: refs/replace/<id> as git replace writes it fails', async () => {
  const { r, one, two } = repo();
  r.run(['replace', one, two]);
  const o = await rule(r);
  expect(o.outcome).toBe('fail');
  expect(o.findings).toContain(`"ref":"refs/replace/${one}"`);
});
