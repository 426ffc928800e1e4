// The annotated tags an audit's scope publishes, whose objects the secrets scan reads (tag-objects.ts):
// a tag's tagger and message are pushed with it (`git push --tags`, a pushed tag ref) and fetched by
// every clone. With --all, every ref naming a tag, and a ref naming a tree or a blob (no commit holds
// it: `git tag v1-files <tree>`); for a push (the hooks' revisions), the pushed tips that are tags;
// for HEAD or a range, none (a tag is a ref beside HEAD's history, as a branch is).
import type { HistoryFacts } from '../domain/model.js';
import type { ObjectReader } from '../collect/objects.js';
import type { HistoryScope } from './history-session.js';

const TARGETS = new Set(['tag', 'tree', 'blob']);

export async function publishedTags(
  scope: HistoryScope,
  history: HistoryFacts,
  tips: readonly string[],
  objects: ObjectReader,
): Promise<string[]> {
  if (scope.all)
    return [
      ...new Set(
        history.refs.filter((r) => TARGETS.has(r.type) && !r.name.startsWith('refs/replace/')).map((r) => r.oid),
      ),
    ];
  if (!scope.revisions || !tips.length) return [];
  const info = await objects.infoOf(tips);
  return tips.filter((_, i) => info[i]?.type === 'tag');
}
