// dependency-cruiser: the layers the README promises, over every import of src/ including type-only
// ones (a type import is still a dependency of the design). `npm run lint:layers` runs this and runtime.cjs.
// Layers, low to high: model.ts/errors.ts (vocabulary) < vulndb, rules (pure) < collect (I/O) < report
// (render) < engine < cli.
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
      name: 'vocabulary-imports-nothing',
      comment: 'model.ts and errors.ts are the shared vocabulary: they import no other module of src/.',
      severity: 'error',
      from: { path: '^src/(model|errors)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(model|errors)\\.ts$' },
    },
    {
      name: 'rules-are-pure',
      comment: 'Rules import the vocabulary, vulndb and each other; never collect/, engine/, report/ or cli/.',
      severity: 'error',
      from: { path: '^src/rules/' },
      to: { path: '^src/(collect|engine|report|cli)/' },
    },
    {
      name: 'vulndb-is-pure',
      severity: 'error',
      from: { path: '^src/vulndb/' },
      to: { path: '^src/(collect|engine|report|cli|rules)/' },
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
    includeOnly: '^src/',
  },
};
