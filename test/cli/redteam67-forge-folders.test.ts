// Red-team round 67: ci-gate-kept asked whether any CI place named gitguard, the places of every
// forge taken together. But each forge reads its own: Forgejo the first of .forgejo/workflows,
// .gitea/workflows, .github/workflows that is a folder (and every *.yml/*.yaml below it), Gitea the
// first of .gitea/workflows, .github/workflows, GitHub .github/workflows' own files, GitLab
// .gitlab-ci.yml (Forgejo's and Gitea's ListWorkflows, modules/actions/workflows.go). So a
// `.forgejo/workflows` folder added beside a gate Forgejo read in .github/workflows (even one
// holding only a README) switched the gate off on Forgejo, and a step moved to a place another forge
// reads (a decoy in .forgejo/workflows or .gitlab-ci.yml) switched it off where it ran: the audit
// passed both. The gate is judged forge by forge now. The reference: each forge's reading, made
// here over git's own listing of the commit (`git ls-tree -r -t`) and git's blobs.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { checkoutWorkflow, gateTeam } from '../helpers/team.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const RUNS = checkoutWorkflow('      - run: make test\n');
const GATED = checkoutWorkflow('      - run: make test\n      - run: npx gitguard audit\n');
const GL_GATED = 'audit:\n  script: npx gitguard audit\n';

/** The places each forge reads, in its order, and whether below subfolders too. */
const FORGES: Record<string, { folders: string[]; recursive: boolean }> = {
  'GitHub Actions': { folders: ['.github/workflows'], recursive: false },
  'Forgejo Actions': { folders: ['.forgejo/workflows', '.gitea/workflows', '.github/workflows'], recursive: true },
  'Gitea Actions': { folders: ['.gitea/workflows', '.github/workflows'], recursive: true },
  'GitLab CI/CD': { folders: ['.gitlab-ci.yml'], recursive: false },
};

/** The forges whose CI, read at `rev` the way each reads it, runs `gitguard audit`. */
function gatedForges(r: TestRepo, rev: string): string[] {
  const rows = r
    .run(['ls-tree', '-r', '-t', rev])
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ type: line.split(' ')[1]!, path: line.slice(line.indexOf('\t') + 1) }));
  const gated = (path: string): boolean => r.run(['show', `${rev}:${path}`]).includes('gitguard audit');
  return Object.entries(FORGES)
    .filter(([, { folders, recursive }]) => {
      const place = folders.find((f) =>
        rows.some((x) => x.path === f && x.type === (f.endsWith('.yml') ? 'blob' : 'tree')),
      );
      if (!place) return false;
      if (place.endsWith('.yml')) return gated(place);
      return rows.some(
        (x) =>
          x.type === 'blob' &&
          x.path.startsWith(`${place}/`) &&
          (recursive || !x.path.slice(place.length + 1).includes('/')) &&
          /\.ya?ml$/.test(x.path) &&
          gated(x.path),
      );
    })
    .map(([name]) => name);
}

interface Case {
  name: string;
  before: Record<string, string>;
  after: Record<string, string>;
  /** The forges that ran the gate before and not after. */
  lost: string[];
}

/** Whether `files` hold no CI file of a forge's place that names the gate. */
const ungated = (files: Record<string, string>): boolean =>
  !Object.entries(files).some(
    ([path, text]) =>
      /^(\.github|\.forgejo|\.gitea)\/workflows\/|^\.gitlab-ci\.yml$/.test(path) && text.includes('gitguard audit'),
  );

describe('no policy: ci-gate-kept judges each forge’s own reading', () => {
  const cases: Case[] = [
    {
      name: 'a .forgejo/workflows folder beside the gate Forgejo read in .github/workflows',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.forgejo/workflows/lint.yml': RUNS },
      lost: ['Forgejo Actions'],
    },
    {
      name: 'a .forgejo/workflows folder holding no workflow at all (a README)',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.forgejo/workflows/README.md': '# our jobs\n' },
      lost: ['Forgejo Actions'],
    },
    {
      name: 'a .gitea/workflows folder (Gitea and Forgejo read it first)',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.gitea/workflows/lint.yml': RUNS },
      lost: ['Forgejo Actions', 'Gitea Actions'],
    },
    {
      name: 'the Forgejo step moved to .github/workflows, .forgejo/workflows kept',
      before: { '.forgejo/workflows/ci.yml': GATED },
      after: { '.forgejo/workflows/ci.yml': RUNS, '.github/workflows/ci.yml': GATED },
      lost: ['Forgejo Actions'],
    },
    {
      name: 'the GitHub step removed, a decoy left in .forgejo/workflows',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.github/workflows/ci.yml': RUNS, '.forgejo/workflows/audit.yml': GATED },
      lost: ['GitHub Actions', 'Gitea Actions'],
    },
    {
      name: 'the GitHub step removed, a decoy left in .gitlab-ci.yml',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.github/workflows/ci.yml': RUNS, '.gitlab-ci.yml': GL_GATED },
      lost: ['GitHub Actions', 'Forgejo Actions', 'Gitea Actions'],
    },
    {
      name: 'the step removed from a workflow in a subfolder Forgejo reads',
      before: { '.forgejo/workflows/ci.yml': RUNS, '.forgejo/workflows/jobs/audit.yml': GATED },
      after: { '.forgejo/workflows/jobs/audit.yml': RUNS },
      lost: ['Forgejo Actions'],
    },
    // Twins: what every forge ran it still runs.
    {
      name: 'twin: a .forgejo/workflows folder that runs the gate too',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.forgejo/workflows/ci.yml': GATED },
      lost: [],
    },
    {
      name: 'twin: a .forgejo file outside its workflows folder',
      before: { '.github/workflows/ci.yml': GATED },
      after: { '.forgejo/ISSUE_TEMPLATE.md': 'x\n', '.gitea/workflows.md': 'x\n' },
      lost: [],
    },
    {
      name: 'twin: a .github workflow without the step beside the gate Forgejo reads in .forgejo/workflows',
      before: { '.forgejo/workflows/ci.yml': GATED },
      after: { '.github/workflows/ci.yml': RUNS },
      lost: [],
    },
    {
      name: 'twin: the GitHub step edited, Forgejo’s kept',
      before: { '.github/workflows/ci.yml': GATED, '.forgejo/workflows/audit.yml': GATED },
      after: {
        '.github/workflows/ci.yml': checkoutWorkflow('      - run: make check\n      - run: npx gitguard audit\n'),
      },
      lost: [],
    },
    {
      // The other CI systems' files are protected, their steps not read: no gate judged there, none failed.
      name: 'twin: a repository that gates in its Jenkinsfile, its GitHub workflow edited',
      before: {
        Jenkinsfile: "pipeline { agent any; stages { stage('audit') { steps { sh 'npx gitguard audit' } } } }\n",
        '.github/workflows/ci.yml': RUNS,
      },
      after: { '.github/workflows/ci.yml': checkoutWorkflow('      - run: make check\n') },
      lost: [],
    },
    {
      name: 'twin: the step kept in a subfolder Forgejo reads, another edited',
      before: { '.forgejo/workflows/ci.yml': RUNS, '.forgejo/workflows/jobs/audit.yml': GATED },
      after: { '.forgejo/workflows/jobs/audit.yml': checkoutWorkflow('      - run: npx gitguard audit\n') },
      lost: [],
    },
  ];
  // The cases judged by one audit per chain (gate-batch.ts): a lost case fails naming the forges it
  // lost, a kept one passes. A chain's cases follow one another, so those whose `before` runs no gate
  // come first: after a case that ran one, their first commit would itself remove it.
  const batch = gateBatch();
  const ordered = [...cases.filter((c) => ungated(c.before)), ...cases.filter((c) => !ungated(c.before))];
  const checks = new Map(
    ordered.map((c) => [c, batch.read(c.before, c.after, !c.lost.length, c.lost.join(', ') || undefined)]),
  );
  for (const c of cases)
    test(c.name, async () => {
      const { r, before, after } = await checks.get(c)!();
      // The reference: each forge's reading of both commits, from git's listing.
      const was = gatedForges(r, before);
      const is = gatedForges(r, after);
      expect(was.filter((f) => !is.includes(f))).toEqual(c.lost);
    });
});

describe('under a policy: Bob, no maintainer, cuts Forgejo off the gate in .github/workflows', () => {
  const team = gateTeam({ '.github/workflows/ci.yml': GATED });
  const cut = { '.forgejo/workflows/README.md': '# our jobs\n' };

  test('Bob: ci-gate-kept fails', async () => {
    expect(await team.outcomes(cut)).toMatchObject({ code: 1, 'ci-gate-kept': 'fail' });
  });

  test('twin: Alice, the maintainer, the same: passes', async () => {
    expect(await team.outcomes(cut, team.alice, 'alice@example.com')).toEqual({
      code: 0,
      'protected-paths-changed-by-maintainers': 'pass',
      'ci-gate-kept': 'pass',
    });
  });
});
