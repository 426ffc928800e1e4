// Red-team round 17: the placeholder classes (detect.ts isPlaceholder) dropped real credentials.
// - A GitHub or npm token whose checksum is valid was dropped when its random part happened to hold a
//   placeholder word ("fake", "your", "xxxx": about one real token in ten thousand, measured). A valid
//   checksum is the issuer's mark: no example or placeholder has one by chance.
// - A URL password percent-encoding a non-ASCII character ("%D0%B5", Cyrillic) matched the printf
//   directive "%d"/"%s" and was dropped.
// Held (twins): a password in capitals with digits (ADMIN_2024_X) is reported; a name in capitals
// (PERSONAL_ACCESS_TOKEN) and printf's "%s" stay placeholders.
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';
import { base62, crc32 } from '../../src/collect/secrets/checksum.js';

afterAll(cleanupTemp);

const found = async (files: Record<string, string>): Promise<string[]> => {
  const r = makeRepo();
  r.commit('add', files);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'secrets-not-in-history'], {
    env: r.env,
  });
  const findings = resultOf(parseJson(res), 'secrets-not-in-history').findings ?? [];
  return findings.map((x) => x.file!).sort();
};

const f = new TokenFactory(1717);
/** A real-shaped token (valid checksum) whose random part holds `word`. */
const tokenWith = (prefix: string, word: string): string => {
  const body = `${f.chars(10)}${word}${f.chars(20 - word.length)}`;
  return `${prefix}${body}${base62(crc32(body))}`;
};

test('checksum-valid tokens whose random part holds a placeholder word are reported', async () => {
  expect(
    await found({
      'a.ts': `const token = "${tokenWith('ghp_', 'Fake')}";\n`,
      'b.ts': `const token = "${tokenWith('gho_', 'xXxX')}";\n`,
      'c.ts': `NPM_TOKEN=${tokenWith('npm_', 'your')}\n`,
    }),
  ).toEqual(['a.ts', 'b.ts', 'c.ts']);
});

test('a URL password with a percent-encoded non-ASCII character is reported', async () => {
  expect(await found({ '.env': 'DATABASE_URL=postgres://app:k9%D0%B5Qz7wLm@db.corp-infra.net/app\n' })).toEqual([
    '.env',
  ]);
});

test('held: a capitals-and-digits password is reported; a capitals name and a printf %s are placeholders', async () => {
  expect(
    await found({
      'deploy.sh': 'git clone https://deploy:ADMIN_2024_X@git.corp-infra.net/app.git\n',
      'README.md': 'git clone https://git:PERSONAL_ACCESS_TOKEN@github.com/org/repo.git\n',
      'fmt.py': 'url = "https://%s:%s@%s/" % (user, pw, host)\nurl2 = "https://bot:%s@git.corp-infra.net/"\n',
    }),
  ).toEqual(['deploy.sh']);
});
