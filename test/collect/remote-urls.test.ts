// The URLs git fetches from and pushes to for each remote (src/domain/remote-urls.ts), read from the
// config listing gitguard collects, against git's own answer on the same config:
// `git remote get-url --all <remote>` and `git remote get-url --push --all <remote>`.
import { writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectConfig } from '../../src/collect/config.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { remoteUrls } from '../../src/domain/remote-urls.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

/** git's answer for every remote `git remote` lists: name → [fetch URLs, push URLs]. */
function gitsAnswer(r: ReturnType<typeof makeRepo>): Record<string, [string[], string[]]> {
  const out: Record<string, [string[], string[]]> = {};
  const lines = (s: string): string[] => (s ? s.split('\n') : []);
  for (const name of lines(r.run(['remote'])))
    out[name] = [
      lines(r.run(['remote', 'get-url', '--all', '--', name])),
      lines(r.run(['remote', 'get-url', '--push', '--all', '--', name])),
    ];
  return out;
}

async function ours(r: ReturnType<typeof makeRepo>): Promise<Record<string, [string[], string[]]>> {
  const urls = remoteUrls(await collectConfig(await discoverRepository(r.dir), r.env));
  return Object.fromEntries([...urls].map(([name, u]) => [name, [[...u.fetch], [...u.push]]]));
}

describe('remoteUrls: the URLs git uses, as `git remote get-url` answers', () => {
  test.each<[string, string, string]>([
    [
      'a gh: alias (url."git@github.com:".insteadOf gh:)',
      '[url "git@github.com:"]\n\tinsteadOf = gh:\n[remote "origin"]\n\turl = gh:acme/app\n',
      '',
    ],
    [
      'the longest prefix wins, whichever base was read first',
      '[url "https://mirror.example/"]\n\tinsteadOf = https://\n[url "git@github.com:"]\n\tinsteadOf = https://github.com/\n[url "ssh://other/"]\n\tinsteadOf = https://git\n[remote "origin"]\n\turl = https://github.com/acme/app.git\n',
      '',
    ],
    [
      'of equal prefixes, the first base git read',
      '[url "https://gitlab.com/"]\n\tinsteadOf = x:\n[url "https://github.com/"]\n\tinsteadOf = x:\n[remote "origin"]\n\turl = x:acme/app\n',
      '',
    ],
    [
      'a base read again later keeps its first place',
      '[url "https://github.com/"]\n\tinsteadOf = y:\n[url "https://gitlab.com/"]\n\tinsteadOf = x:\n[url "https://github.com/"]\n\tinsteadOf = x:\n[remote "origin"]\n\turl = x:acme/app\n',
      '',
    ],
    [
      'pushInsteadOf: pushes over ssh, fetches over https',
      '[url "git@github.com:"]\n\tpushInsteadOf = https://github.com/\n[remote "origin"]\n\turl = https://github.com/acme/app.git\n',
      '',
    ],
    [
      'a pushurl takes insteadOf, never pushInsteadOf',
      '[url "git@gitlab.com:"]\n\tinsteadOf = gl:\n[url "ssh://push.example/"]\n\tpushInsteadOf = gl:\n[remote "origin"]\n\turl = https://github.com/acme/app.git\n\tpushurl = gl:acme/app\n',
      '',
    ],
    [
      'two urls, one matched by pushInsteadOf: the push goes to that one only',
      '[url "git@github.com:"]\n\tpushInsteadOf = https://github.com/\n[remote "mirror"]\n\turl = https://github.com/acme/app.git\n\turl = https://gitlab.com/acme/app.git\n',
      '',
    ],
    [
      'a mirror to GitHub and GitLab: two remotes, two pushurls',
      '[remote "origin"]\n\turl = git@github.com:acme/app.git\n\tpushurl = git@github.com:acme/app.git\n\tpushurl = git@gitlab.com:acme/app.git\n[remote "gitlab"]\n\turl = https://gitlab.com/acme/app.git\n',
      '',
    ],
    [
      'the variable in any case, a remote name with dots, a base with upper case',
      '[url "https://GitHub.com/"]\n\tINSTEADOF = Gh:\n[remote "my.fork"]\n\turl = Gh:acme/app\n',
      '',
    ],
    [
      'a rewrite in the global config, the remote in the repository’s',
      '[remote "origin"]\n\turl = work:acme/app\n',
      '[url "git@gitlab.example.com:"]\n\tinsteadOf = work:\n',
    ],
    [
      'no rewrite matches: the URL as written',
      '[url "git@github.com:"]\n\tinsteadOf = gh:\n[remote "origin"]\n\turl = https://gitlab.example.com/acme/app.git\n',
      '',
    ],
  ])('%s', async (_, local, global) => {
    const r = makeRepo();
    appendFileSync(join(r.dir, '.git', 'config'), local);
    if (global) appendFileSync(join(r.home, '.gitconfig'), global);
    const want = gitsAnswer(r);
    expect(Object.keys(want).length).toBeGreaterThan(0);
    expect(await ours(r)).toEqual(want);
  });

  test('the aliases named in the cases are the ones git rewrites to', async () => {
    const r = makeRepo();
    writeFileSync(
      join(r.dir, '.git', 'config'),
      '[url "git@github.com:"]\n\tinsteadOf = gh:\n\tpushInsteadOf = https://github.com/\n[remote "origin"]\n\turl = gh:acme/app\n[remote "up"]\n\turl = https://github.com/up/app.git\n',
    );
    expect(r.run(['ls-remote', '--get-url', 'origin'])).toBe('git@github.com:acme/app');
    const got = remoteUrls(await collectConfig(await discoverRepository(r.dir), r.env));
    expect(got.get('origin')).toEqual({ fetch: ['git@github.com:acme/app'], push: ['git@github.com:acme/app'] });
    expect(got.get('up')).toEqual({ fetch: ['https://github.com/up/app.git'], push: ['git@github.com:up/app.git'] });
  });
});
