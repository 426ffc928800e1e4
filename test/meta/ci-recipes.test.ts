// The CI recipes (action.yml, ci/gitlab-ci.yml) run their audit step's own shell text with a
// recording `gitguard` first on PATH: what matters here is the command line each recipe builds
// (threats, forge flags, user arguments), not gitguard itself. In CI the client threat would judge
// the runner's image, so both leave it out unless asked.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

interface Step {
  id?: string;
  run?: string;
  env?: Record<string, string>;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitguard-ci-recipes-'));
  mkdirSync(join(dir, 'bin'));
  // Records its arguments one per line, then exits as told.
  writeFileSync(join(dir, 'bin', 'gitguard'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORD"\nexit 0\n');
  chmodSync(join(dir, 'bin', 'gitguard'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in bash with the recording gitguard; the arguments it was given. */
function argsOf(script: string, env: Record<string, string>): string[] {
  const record = join(dir, 'record');
  rmSync(record, { force: true });
  execFileSync('bash', ['-c', script], {
    cwd: dir,
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, RECORD: record, GITHUB_OUTPUT: join(dir, 'out'), ...env },
    stdio: 'pipe',
  });
  return readFileSync(record, 'utf8').split('\n').slice(0, -1);
}

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { steps: Step[] };
  };
  const audit = action.runs.steps.find((s) => s.id === 'audit')!;
  const run = (inputs: Record<string, string>): string[] => {
    const value = (name: string): string => inputs[name] ?? action.inputs[name]?.default ?? '';
    return argsOf(audit.run!, {
      GITGUARD_FAIL_ON: value('fail-on'),
      GITGUARD_ARGS: value('args'),
      GITGUARD_PATH: value('path'),
      GITGUARD_FORGE: value('forge'),
      GITGUARD_THREATS: value('threats'),
      GITHUB_REPOSITORY: 'octo/app',
    });
  };

  test('passes every input its step reads through env', () => {
    const names = Object.keys(audit.env ?? {});
    expect(names).toEqual(expect.arrayContaining(['GITGUARD_THREATS', 'GITGUARD_ARGS', 'GITGUARD_FAIL_ON']));
  });

  test('by default judges the three repository threats, not the runner’s clients', () => {
    const args = run({});
    expect(args.slice(0, 2)).toEqual(['audit', '.']);
    expect(args[args.indexOf('--threat') + 1]!.split(',').sort()).toEqual(['history', 'impersonation', 'protections']);
    expect(args).toEqual(expect.arrayContaining(['--forge', 'github', '--forge-repo', 'octo/app', '--fail-on', 'low']));
  });

  test('threats names the client threat when asked, and empty means all four (no --threat)', () => {
    const asked = run({ threats: 'client,history' });
    expect(asked[asked.indexOf('--threat') + 1]).toBe('client,history');
    expect(run({ threats: '' })).not.toContain('--threat');
  });

  test('user args come after the threats and stay separate words', () => {
    const args = run({ args: '--all --base abc', forge: 'false' });
    expect(args).not.toContain('--forge');
    expect(args.slice(-3)).toEqual(['--all', '--base', 'abc']);
    expect(args.indexOf('--threat')).toBeLessThan(args.indexOf('--all'));
  });
});

describe('ci/gitlab-ci.yml', () => {
  const job = (parse(readFileSync(join(ROOT, 'ci', 'gitlab-ci.yml'), 'utf8')) as Record<string, unknown>)[
    'gitguard'
  ] as { variables: Record<string, string>; script: string[] };
  const run = (vars: Record<string, string>): string[] => argsOf(job.script.join('\n'), { ...job.variables, ...vars });

  test('by default judges the three repository threats, not the job image’s clients', () => {
    const args = run({});
    expect(args[args.indexOf('--threat') + 1]!.split(',').sort()).toEqual(['history', 'impersonation', 'protections']);
    expect(args).toEqual(expect.arrayContaining(['--forge', 'gitlab', '--fail-on', 'low']));
  });

  test('GITGUARD_THREATS empty runs all four threats', () => {
    expect(run({ GITGUARD_THREATS: '' })).not.toContain('--threat');
  });
});
