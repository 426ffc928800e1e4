// GitLab's configuration as GitLab reads it: its global keywords, and the include errors for which
// GitLab refuses a whole configuration (no pipeline runs, so no gate held in `.gitlab-ci.yml` runs
// either), as docs.gitlab.com/ee/ci/yaml/includes.html and GitLab's
// lib/gitlab/ci/config/external state them: a local file not in the commit ("Local file `x` does not
// exist!", a folder included too), one without a .yml/.yaml extension ("Included file `x` does not
// have YAML extension!"), an empty one ("Local file `x` is empty!"), and more than 150 includes,
// nested ones and the same file included again counted each time ("Maximum of 150 nested includes
// are allowed!"), so an include cycle too. A wildcard (`local: ci/*.yml`) matching nothing includes
// nothing and is no error.

/** GitLab's global keywords: top-level keys that are no job. */
export const GLOBAL = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'spec',
]);
/** The stages of a configuration without `stages:`, besides `.pre` and `.post`. */
export const DEFAULT_STAGES = ['build', 'test', 'deploy'];

/** GitLab's default limit of includes in one pipeline's configuration, nested and repeated ones counted. */
const MAX_INCLUDES = 150;
/** What GitLab's include expansion (Repository#search_files_by_wildcard_path) reads as a wildcard. */
const WILDCARD = /\*/;
/** GitLab's YAML_WHITELIST_EXTENSION for an included file. */
const YAML_EXTENSION = /.+\.(?:yml|yaml)$/i;

/**
 * Whether GitLab refuses the configuration rooted at `root` for its includes. `includes`: per file
 * read, the entries of its `include:` its rules may include, each the local path it names (undefined:
 * another kind, or a path not read here); `texts`: the files read; `absent`: local paths known not
 * to be a file in the commit (nothing there, or a folder). A path neither read nor known absent
 * (not watched) is no error: nothing here knows it.
 */
export function includesRefused(
  root: string,
  includes: ReadonlyMap<string, ReadonlyArray<string | undefined>>,
  texts: ReadonlyMap<string, string>,
  absent: ReadonlySet<string>,
): boolean {
  for (const entries of includes.values())
    for (const path of entries) {
      if (path === undefined || WILDCARD.test(path)) continue;
      if (absent.has(path) || !YAML_EXTENSION.test(path) || texts.get(path)?.trim() === '') return true;
    }
  // Each include counted where GitLab expands it: a file included twice brings its includes twice.
  let total = 0;
  const within = (path: string): boolean => {
    for (const child of includes.get(path) ?? []) {
      if ((total += 1) > MAX_INCLUDES) return false;
      if (child !== undefined && !WILDCARD.test(child) && !within(child)) return false;
    }
    return true;
  };
  return !within(root);
}
