// Preloaded (node --import) into a gitguard process a test starts, to run it at another time: the
// clock starts at GG_TEST_NOW (unix seconds) and runs on from there. For the tests whose verdicts
// must change with the clock alone (a checkpoint's validUntil); nothing audited is touched.
const at = Number(process.env.GG_TEST_NOW);
if (at > 0) {
  const Real = Date;
  const offset = at * 1000 - Real.now();
  class FixedDate extends Real {
    constructor(...args) {
      super(...(args.length ? args : [Real.now() + offset]));
    }
    static now() {
      return Real.now() + offset;
    }
  }
  globalThis.Date = FixedDate;
}
