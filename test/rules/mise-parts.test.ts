// domain/mise-parts.ts: the tasks `mise run` names, and the lines of mise.toml it reads for them.
import { isMiseFile, miseLines, misePart, miseTasks } from '../../src/domain/mise-parts.js';

test('the tasks named: mise run, mise r, mise tasks run; another command or none: all of it', () => {
  expect(miseTasks(['run', 'gate'])).toEqual(['gate']);
  expect(miseTasks(['r', '-j', '4', 'lint:fix', 'gate', '--', 'extra'])).toEqual(['lint:fix', 'gate']);
  expect(miseTasks(['tasks', 'run', 'gate'])).toEqual(['gate']);
  expect(miseTasks(['run'])).toBeUndefined();
  expect(miseTasks(['exec', '--', 'gitguard', 'audit'])).toBeUndefined();
  expect(miseTasks(['run', 'lint:*'])).toBeUndefined();
});

const toml =
  '[tools]\nnode = "20"\n\n[tasks.gate]\ndepends = ["b"]\nrun = "gitguard audit"\n\n[tasks.b]\nrun = "x"\n\n[tasks.c]\nrun = "y"\n';

test('the root tables, the task named and those it mentions are kept, another task left out', () => {
  const kept = miseLines(toml, ['gate'])!.join('\n');
  expect(kept).toContain('[tasks.b]');
  expect(kept).toContain('[tools]');
  expect(kept).not.toContain('[tasks.c]');
});

test('twins: tasks as dotted keys, a [tasks] table, a wildcard, a task not there, an unclear string: all of it', () => {
  expect(miseLines('tasks.gate.run = "gitguard audit"\n', ['gate'])).toBeUndefined();
  expect(miseLines('[tasks]\ngate = "gitguard audit"\n', ['gate'])).toBeUndefined();
  expect(miseLines(`${toml}[tasks.d]\ndepends = ["lint:*"]\nalias = "gate"\n`, ['gate'])).toBeUndefined();
  expect(miseLines(toml, ['other'])).toBeUndefined();
  expect(miseLines(`${toml}[tasks.c2]\nrun = "echo '''"\n`, ['gate'])).toBeUndefined();
  expect(miseLines(`[tasks.c]\nrun = "y" # not """ a string\n${toml}`, ['gate'])).toBeUndefined();
});

test('plain versions compare equal, a path or a ref does not', () => {
  expect(misePart('mise.toml', toml, ['gate'])).toBe(misePart('mise.toml', toml.replace('"20"', '"22.1.0"'), ['gate']));
  expect(misePart('mise.toml', toml, ['gate'])).not.toBe(
    misePart('mise.toml', toml.replace('"20"', '"ref:main"'), ['gate']),
  );
  expect(misePart('.tool-versions', 'nodejs 20.1.0\n', [])).toBe(
    misePart('.tool-versions', 'nodejs 22.0.0 20.1.0\n', []),
  );
  expect(misePart('.tool-versions', 'nodejs 20.1.0\n', [])).not.toBe(
    misePart('.tool-versions', 'nodejs path:./n\n', []),
  );
  expect(isMiseFile('.config/mise/config.toml')).toBe(true);
  expect(isMiseFile('app/config.toml')).toBe(false);
});
