// Which signing and transport programs git's config and environment name, and whose config names
// them (pure: config entries as collect/config.ts reads them).
import { commandProgram, configuredPrograms } from '../../src/collect/config-programs.js';
import type { ConfigEntry } from '../../src/domain/model.js';

const entry = (
  key: string,
  value: string,
  scope: ConfigEntry['scope'],
  origin = `file:/cfg/${scope}`,
): ConfigEntry => ({
  key,
  value,
  scope,
  origin,
});
const none = (): boolean => false;

test('the ssh git runs: GIT_SSH_COMMAND, else the last core.sshCommand, else GIT_SSH', () => {
  const config = [entry('core.sshcommand', '/g/ssh -i k', 'global'), entry('core.sshcommand', '/l/ssh', 'local')];
  const ssh = (env: NodeJS.ProcessEnv, c = config) => configuredPrograms(c, env, none).filter((p) => p.tool === 'ssh');
  expect(ssh({ GIT_SSH_COMMAND: '/e/ssh -v', GIT_SSH: '/s/ssh' })).toEqual([
    { tool: 'ssh', value: '/e/ssh', source: 'GIT_SSH_COMMAND in the environment', byRepository: false },
  ]);
  expect(ssh({ GIT_SSH: '/s/ssh' })).toEqual([
    {
      tool: 'ssh',
      value: '/l/ssh',
      source: 'core.sshCommand in /cfg/local (local)',
      byRepository: true,
    },
  ]);
  expect(ssh({ GIT_SSH: '/s/ssh' }, [])).toEqual([
    { tool: 'ssh', value: '/s/ssh', source: 'GIT_SSH in the environment', byRepository: false },
  ]);
  expect(ssh({}, [])).toEqual([]);
});

test("a global entry from a file inside the repository (an include) counts as the repository's", () => {
  const inRepo = (f: string): boolean => f.startsWith('/repo/');
  const [p] = configuredPrograms([entry('gpg.program', '/x/gpg', 'global', 'file:/repo/.gitconfig.inc')], {}, inRepo);
  expect(p).toMatchObject({ tool: 'gpg', byRepository: true });
  const [q] = configuredPrograms([entry('gpg.program', '/x/gpg', 'global')], {}, inRepo);
  expect(q).toMatchObject({ tool: 'gpg', byRepository: false });
});

test('commandProgram reads the first word of plain words only', () => {
  expect(commandProgram('ssh -i ~/.ssh/k -o BatchMode=yes')).toEqual({ program: 'ssh' });
  for (const c of ['"/opt/ssh" -v', 'ssh $OPTS', 'FOO=1 ssh', 'ssh; touch x', 'ssh `x`', 'ssh | tee'])
    expect(commandProgram(c)).toHaveProperty('unreadable');
});
