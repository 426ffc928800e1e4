// The user's home: HOME, else the password database's entry. A user with neither (a container run
// as `--user 12345` with no passwd entry and HOME unset) has none: node's os.homedir() throws there,
// which stopped every run as an internal error; callers treat no home as no files of the user's.
import { homedir } from 'node:os';

export function userHome(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HOME !== undefined) return env.HOME;
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
