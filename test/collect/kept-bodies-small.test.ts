// The object reader's kept bodies are small ones only: a large CI text asked again is read again, so the
// bodies a run holds stay a few MB of small objects (README, Memory of reading CI YAML: yaml187).
import { KeptObjects } from '../../src/collect/kept-objects.js';

const KiB = 1024;

function counted(size: number) {
  const asked: number[] = [];
  const ask = () => {
    asked.push(size);
    return Promise.resolve({ body: Buffer.alloc(size) });
  };
  return { asked, ask };
}

test('a body over 64 KiB is not kept: asked again, it is read again', async () => {
  const kept = new KeptObjects<{ body: Buffer }>();
  const big = counted(200 * KiB);
  await kept.read('big', 1024 * KiB, big.ask);
  await kept.read('big', 1024 * KiB, big.ask);
  expect(big.asked).toHaveLength(2);
});

test('a body of 64 KiB or less is kept: asked again, it is read once', async () => {
  const kept = new KeptObjects<{ body: Buffer }>();
  const small = counted(64 * KiB);
  await kept.read('small', 1024 * KiB, small.ask);
  await kept.read('small', 1024 * KiB, small.ask);
  expect(small.asked).toHaveLength(1);
});
