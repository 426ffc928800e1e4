// The fetch-and-run lines and workflow pieces the vouching tests (vouch171, vouch185, vouch215) share:
// two real installers' documented lines a start may vouch for, gitguard's call, and a GitHub step.
export type Files = Record<string, string>;
export const WF = '.github/workflows/ci.yml';
export const CI = '.gitlab-ci.yml';
export const APP: Files = { 'src/app.js': 'console.log(1);\n' };
/** rustup's and uv's install lines as their sites print them. */
export const RUSTUP = "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y";
export const UV = 'curl -LsSf https://astral.sh/uv/install.sh | sh';
export const AUDIT = 'npx gitguard audit';
/** A GitHub step running `s`. */
export const run = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
/** A push workflow's gate job up to its checkout (the steps follow). */
export const GATE_HEAD =
  'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
  '        with:\n          fetch-depth: 0\n';
