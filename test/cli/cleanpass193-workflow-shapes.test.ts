// cleanpass193: honest repositories whose CI is written as big projects write theirs today pass
// every repository rule (impersonation, history, protections), each made with real git, ssh-keygen
// and gpg after README's set-up (a trust policy, signed commits, the gitguard gate) and then changed
// by its maintainer: a pnpm and turbo monorepo with merge_group, a Rust crate (rust-cache,
// cargo-deny, an OS matrix), uv/hatch publishing to PyPI on tags, goreleaser, docker/build-push-action
// with the gha cache, release-please, Dependabot auto-merge, CodeQL and Scorecard, a reusable gate
// called with `secrets: inherit`, jobs with `services:`, `container:` and
// `defaults.run.working-directory`, Windows/macOS matrices with pwsh, gitguard's action; GitLab with
// templates, `workflow: rules:`, `parallel: matrix:`, a `needs:` DAG, `extends:` chains, `!reference`,
// `cache: key: files:`, report artifacts and a child pipeline; the gate job restyled (names,
// timeouts, concurrency, matrices, a container, `needs:`, conditions on the event); CI files saved
// with CRLF and a BOM, YAML anchors and merge keys. Their twins still fail: Bob, who is no maintainer,
// taking the gate out of such files.
import { cleanupTemp } from '../helpers/repo.js';
import { auditShape, makeShapes, type Shapes } from '../helpers/repo-shapes.js';

afterAll(cleanupTemp);

let shapes: Shapes;
beforeAll(() => {
  shapes = makeShapes(['workflows', 'gitlab', 'gates', 'yaml', 'twins-workflows']);
}, 300_000);

const HONEST = [
  ...['pnpm', 'rust', 'python', 'go', 'docker', 'releaseplease', 'depbot', 'codeql', 'reusable', 'matrix', 'action'],
  ...['gl-template', 'gl-dag', 'gl-extends'],
  ...[
    'g-named',
    'g-defaults',
    'g-setupnode',
    'g-matrix',
    'g-container',
    'g-needs',
    'g-pwsh',
    'g-action-setup',
    'g-base',
  ],
  ...['y-crlf', 'y-anchors', 'y-glcrlf'],
];

describe('honest CI shapes pass', () => {
  it.each(HONEST)('%s', async (name) => {
    expect(await auditShape(shapes, name)).toEqual({ code: 0, failing: [] });
  });
});

describe('twins: a signer who is no maintainer takes the gate out', () => {
  it.each([
    ['t-crlf', ['ci-gate-kept', 'protected-paths-changed-by-maintainers']],
    ['t-reusable', ['ci-gate-kept', 'protected-paths-changed-by-maintainers']],
    ['t-gl-dag', ['protected-paths-changed-by-maintainers']],
  ])('%s', async (name, rules) => {
    const r = await auditShape(shapes, name);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(expect.arrayContaining(rules));
  });
});
