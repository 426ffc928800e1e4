// Differential test of the commit and tag parsers against git itself (issue 11): a few hundred
// generated objects per run from a fixed seed; scripts/differential.mjs runs the same property
// with random seeds for as long as it is given (GITGUARD_DIFF_SEED / GITGUARD_DIFF_CASES).
import { join } from 'node:path';
import { makeRepo } from '../helpers/repo.js';
import { runDifferential, sampleCases } from '../helpers/differential.js';

const seed = Number(process.env.GITGUARD_DIFF_SEED ?? 20261204);
const count = Number(process.env.GITGUARD_DIFF_CASES ?? 400);

test(`gitguard reads every commit and tag as git does, or refuses it (seed ${seed}, ${count} cases)`, () => {
  const repo = makeRepo({ bare: true });
  const cases = sampleCases(repo, seed, count);
  const outcome = runDifferential(repo, cases, join(repo.home, 'objects'));
  if (process.env.GITGUARD_DIFF_REPORT)
    console.log(
      `DIFFERENTIAL ${JSON.stringify({ seed, cases: outcome.cases, refused: outcome.refused, divergences: outcome.divergences.length, honestRefused: outcome.honestRefused.length })}`,
    );
  expect(outcome.divergences).toEqual([]);
  expect(outcome.honestRefused).toEqual([]);
  // Not vacuous: the generator must reach both sides of the property.
  const accepted = outcome.cases - outcome.refused;
  expect(accepted).toBeGreaterThan(count / 5);
  expect(outcome.refused).toBeGreaterThan(count / 5);
});

// In a SHA-256 repository git's signature header is "gpgsig-sha256" and "gpgsig" the other format's:
// the same property, fewer cases (the header each object format signs with is all that differs).
test(`in a SHA-256 repository too (seed ${seed}, ${Math.ceil(count / 4)} cases)`, () => {
  const repo = makeRepo({ bare: true, objectFormat: 'sha256' });
  const outcome = runDifferential(repo, sampleCases(repo, seed, Math.ceil(count / 4)), join(repo.home, 'objects'));
  expect(outcome.divergences).toEqual([]);
  expect(outcome.honestRefused).toEqual([]);
});
