// The pre-receive check's input: git's "<old> <new> <ref>" lines and the quarantine it names.
import { delimiter } from 'node:path';
import { parseUpdates, preReceiveCheck, quarantineDirs } from '../../src/engine/prereceive.js';

const A = 'a'.repeat(40);
const Z = '0'.repeat(40);

describe('pre-receive input', () => {
  test('parses one update per line and skips blank lines', () => {
    expect(parseUpdates(`${Z} ${A} refs/heads/main\n\n${A} ${Z} refs/tags/v1\n`)).toEqual([
      { old: Z, new: A, ref: 'refs/heads/main' },
      { old: A, new: Z, ref: 'refs/tags/v1' },
    ]);
  });

  test('refuses a line that is not "<old> <new> <ref>"', () => {
    expect(() => parseUpdates(`${A} nope refs/heads/main\n`)).toThrow('unexpected pre-receive input line');
    expect(() => parseUpdates(`${A} ${A}\n`)).toThrow('unexpected pre-receive input line');
  });

  test('an unreadable update is refused (fail closed) with one line', async () => {
    const r = await preReceiveCheck({ path: '/nonexistent', input: 'garbage\n', env: {} });
    expect(r.exitCode).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^gitguard: push rejected: cannot check it: unexpected pre-receive input line/);
  });

  test('no updates: nothing to check, accepted', async () => {
    expect(await preReceiveCheck({ path: '/nonexistent', input: '', env: {} })).toEqual({ exitCode: 0, lines: [] });
  });

  test('the quarantine folders come from the hook environment, relative ones from the git dir', () => {
    expect(
      quarantineDirs(
        {
          GIT_QUARANTINE_PATH: '/r/objects/incoming-1',
          GIT_OBJECT_DIRECTORY: '/r/objects/incoming-1',
          GIT_ALTERNATE_OBJECT_DIRECTORIES: ['/r/objects', 'rel'].join(delimiter),
        },
        '/r',
      ),
    ).toEqual(['/r/objects/incoming-1', '/r/objects', '/r/rel']);
    expect(quarantineDirs({}, '/r')).toEqual([]);
  });
});
