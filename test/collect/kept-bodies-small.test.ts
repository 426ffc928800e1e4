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

test.each([
  ['over 64 KiB is not kept: asked again, it is read again', 200 * KiB, 2],
  ['of 64 KiB or less is kept: asked again, it is read once', 64 * KiB, 1],
])('a body %s', async (_what, size, reads) => {
  const kept = new KeptObjects<{ body: Buffer }>();
  const body = counted(size);
  await kept.read('id', 1024 * KiB, body.ask);
  await kept.read('id', 1024 * KiB, body.ask);
  expect(body.asked).toHaveLength(reads);
});
