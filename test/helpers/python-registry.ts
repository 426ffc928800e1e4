// A package index standing for PyPI in a real job (real-job.ts): a script, run by a Python, that
// writes a wheel of `evil` into $RUNNER_TEMP/registry whose console script is named `npx`, and a
// GitHub workflow of `run:` steps after actions/checkout (the CI file the same job is read from).
import type { JobStep } from './real-job.js';

/** Python code writing $RUNNER_TEMP/registry/evil-0.1-py3-none-any.whl (console script `npx`). */
export const EVIL_WHEEL = `import os, zipfile
os.makedirs(os.environ['RUNNER_TEMP'] + '/registry', exist_ok=True)
z = zipfile.ZipFile(os.environ['RUNNER_TEMP'] + '/registry/evil-0.1-py3-none-any.whl', 'w')
z.writestr('evil.py', 'def main():\\n    return 0\\n')
z.writestr('evil-0.1.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: evil\\nVersion: 0.1\\n')
z.writestr('evil-0.1.dist-info/WHEEL', 'Wheel-Version: 1.0\\nGenerator: t\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
z.writestr('evil-0.1.dist-info/entry_points.txt', '[console_scripts]\\nnpx = evil:main\\n')
z.writestr('evil-0.1.dist-info/RECORD', '')
z.close()
`;

/** A workflow of one job: actions/checkout, then `steps` as `run:` steps. */
export const runWorkflow = (steps: readonly JobStep[]): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps
    .map((s) => `      - run: ${JSON.stringify(s.run)}\n`)
    .join('')}`;
