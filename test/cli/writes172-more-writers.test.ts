// writes172: commands that write, rewrite or remove a file of the checkout before a gate through a
// file (`bash ci/gate.sh`) were read as writing nothing (`git mv`, `rm`, `mv` away, `openssl -out`,
// `sponge`, gawk's `-i inplace`, `yq -i`, `ed`, `xxd -r`, `gunzip`, `git read-tree -u`): each lost case kept
// the gate (exit 0) before. Each names its file where the command tells it, so a twin writing a file
// the chain does not read keeps the gate.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const FILES = {
  'ci/gate.sh': '. ci/lib.sh\nnpx gitguard audit\n',
  'ci/lib.sh': 'set -e\n',
  'ci/a.sh': 'exit 0\n',
  'report.txt': 'report\n',
};
const wf = (earlier: string): Record<string, string> => ({
  ...FILES,
  [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(earlier)}\n      - run: bash ci/gate.sh\n`,
});
const HONEST = { ...FILES, [WF]: wf('true')[WF]! };

const LOST: string[] = [
  'git mv -f ci/a.sh ci/gate.sh',
  'git rm -q ci/lib.sh',
  'rm -f ci/lib.sh',
  'mv ci/lib.sh /tmp/',
  'openssl enc -d -aes-256-cbc -k x -in /tmp/x -out ci/gate.sh',
  'jq . /tmp/x | sponge ci/gate.sh',
  "awk -i inplace '{ print }' ci/gate.sh",
  "yq -i '.a = 1' ci/lib.sh",
  'ed -s ci/gate.sh < /tmp/e',
  'vim -es ci/gate.sh < /tmp/e',
  'xxd -r /tmp/x ci/gate.sh',
  'gunzip -f ci/gate.sh.gz',
  'git checkout-index -f -a',
  'gpg --output ci/gate.sh --decrypt /tmp/x',
  'git read-tree -u --reset HEAD~1',
  'git clean -fdx',
  'find ci -name lib.sh -delete',
  'git ls-files ci | xargs sed -i s/a/b/',
  `yq e -i '.a = "b"' ci/gate.sh`,
];
const KEPT: string[] = [
  'openssl enc -d -aes-256-cbc -k x -in /tmp/x -out report.bin',
  'jq . /tmp/x | sponge report.json',
  'rm -rf node_modules report.txt',
  'git rm --cached -q report.txt',
  'gzip -dc /tmp/x.gz > out.txt',
  'git ls-files | xargs shellcheck',
  `yq -i '.version = "2"' chart.yaml`,
];

describe('writes172: more commands that write a checkout file lose a gate through it', () => {
  const batch = gateBatch();
  for (const c of LOST) test(`lost: ${c}`, batch.add(HONEST, wf(c), false), 600_000);
  for (const c of KEPT) test(`kept: ${c}`, batch.add(HONEST, wf(c), true), 600_000);
});
