// dependency-cruiser over what runs (type-only imports erased, as tsc erases them): no rule module may
// reach node:fs or node:child_process through any chain of runtime imports, nor any module of the
// pure layers below them (domain/, vulndb/).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'rules-reach-no-io',
      comment: 'Rules, the domain and vulndb are pure: facts in, findings out. I/O belongs to collect/.',
      severity: 'error',
      from: { path: '^src/(rules|domain|vulndb)/' },
      to: { path: '^(node:)?(fs|child_process)(/promises)?$', reachable: true },
    },
  ],
  options: {
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.build.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
