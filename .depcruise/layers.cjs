// dependency-cruiser: the layers the README promises, over every import of src/ including type-only
// ones (a type import is still a dependency of the design). `npm run lint:layers` runs it.
// Layers, low to high: errors.ts and vulndb/ (pure leaves) < domain/ (the vocabulary and pure queries)
// < rules/ (pure) and collect/ (I/O), which do not know each other < report/ (render) < engine < cli.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycle, type-only imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'errors-imports-nothing',
      comment: 'errors.ts is shared by every layer: it imports no other module of src/.',
      severity: 'error',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/', pathNot: '^src/errors\\.ts$' },
    },
    {
      name: 'domain-is-the-bottom',
      comment:
        'domain/ is the vocabulary (types, constants, pure queries): it imports only itself, errors.ts and vulndb/.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain/|errors\\.ts$|vulndb/)' },
    },
    {
      name: 'rules-are-pure',
      comment: 'Rules import domain/, vulndb/ and each other; never collect/, engine/, report/ or cli/.',
      severity: 'error',
      from: { path: '^src/rules/' },
      to: { path: '^src/(collect|engine|report|cli)/' },
    },
    {
      name: 'vulndb-is-a-leaf',
      comment: 'vulndb/ parses versions and matches vulnerability data handed to it; it imports nothing else of src/.',
      severity: 'error',
      from: { path: '^src/vulndb/' },
      to: { path: '^src/', pathNot: '^src/vulndb/' },
    },
    {
      name: 'collect-does-not-reach-up',
      comment: 'collect/ gathers facts; it does not know about rules, reports, the engine or the CLI.',
      severity: 'error',
      from: { path: '^src/collect/' },
      to: { path: '^src/(rules|report|engine|cli)/' },
    },
    {
      name: 'report-renders-only',
      comment: 'report/ renders results; it does not collect, run rules or call the engine.',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/(collect|engine|cli|rules)/' },
    },
    {
      // Over every import, type-only ones too: stricter than "at runtime", and it needs no second cruise
      // over transpiled code (which cost ~2.5x this one). The layer rules above keep these modules from
      // importing anything but each other and errors.ts, so a chain to node:fs can only start here.
      name: 'pure-layers-reach-no-io',
      comment: 'Rules, the domain and vulndb are pure: facts in, findings out. I/O belongs to collect/.',
      severity: 'error',
      from: { path: '^src/(rules/|domain/|vulndb/|errors\\.ts$)' },
      to: { path: '^(node:)?(fs|child_process)(/promises)?$', reachable: true },
    },
    {
      name: 'engine-below-cli',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    doNotFollow: { path: 'node_modules' },
    // src/ and the two I/O modules of node the purity rule names.
    includeOnly: '^(src/|(node:)?(fs|child_process)(/promises)?$)',
  },
};
