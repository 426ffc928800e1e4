// A docker compose file as the CI gate's chain reads it (domain/ci-commands.ts chainPart): what
// `docker compose run gate` (or `up gate`, `exec gate`) runs. Compose reads every top-level key
// outside `services` (`include`, `networks`, `volumes`, `configs`, `secrets`, `x-` anchors) and, of
// `services`, the services named and, in turn, those a kept one needs: `depends_on`, `links`,
// `extends` in the same file, `network_mode`/`pid`/`ipc: service:x`, `volumes_from`. Anchors and
// merge keys reach the kept services resolved (collect/ reads the YAML as JSON). A service added or
// edited that none of those needs is no change (a bot bumping `postgres:16.1`). Where that cannot be
// told (a command that runs every service, `services` of another shape, a name not in the file): all of it.
import { isObject, yamlObject } from './workspace-parts.js';

/** A compose file's name as the CI gives it (`compose.yaml`, `docker-compose.ci.yml`, `-f compose.test.yaml`). */
export const isComposeFile = (path: string): boolean =>
  /^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/.test(path.slice(path.lastIndexOf('/') + 1));

/** docker compose's options before its subcommand that take a value. */
const GLOBAL_VALUED = ['-f', '--file', '-p', '--project-name', '--profile', '--env-file', '--project-directory'].concat(
  ['--ansi', '--progress', '--parallel'],
);
/** Per subcommand: its options that take a value, and those that take none. Another option: all of the file. */
type Options = [valued: string[], flags: string[]];
const OPTIONS: Record<string, Options> = {
  run: [
    ['-e', '--env', '--env-from-file', '-v', '--volume', '-w', '--workdir', '-u', '--user', '--name'].concat([
      '--entrypoint',
      '-p',
      '--publish',
      '-l',
      '--label',
      '--cap-add',
      '--cap-drop',
      '--pull',
    ]),
    ['--rm', '-d', '--detach', '-i', '--interactive', '-T', '--no-TTY', '--tty', '--no-deps', '--service-ports'].concat(
      ['--use-aliases', '--build', '--remove-orphans', '-q', '--quiet', '--quiet-pull', '--dry-run'],
    ),
  ],
  exec: [
    ['-e', '--env', '-u', '--user', '-w', '--workdir', '--index'],
    ['-d', '--detach', '-T', '--no-TTY', '--privileged', '--dry-run'],
  ],
  up: [
    ['--scale', '-t', '--timeout', '--exit-code-from', '--attach', '--no-attach', '--pull', '--wait-timeout'],
    ['-d', '--detach', '--build', '--no-build', '--no-deps', '--force-recreate', '--no-recreate'].concat(
      ['--remove-orphans', '--abort-on-container-exit', '--abort-on-container-failure', '--always-recreate-deps'],
      ['-V', '--renew-anon-volumes', '--no-color', '--no-log-prefix', '--no-start', '--quiet-pull', '--timestamps'],
      ['--wait', '-y', '--yes', '--no-attach', '--attach-dependencies', '--dry-run'],
    ),
  ],
};

/**
 * The words of `args` from `at` that are no option nor an option's value (only the first where
 * `first`: `run`'s and `exec`'s later words are the service's command); undefined at an option not known.
 */
function plainWords(
  args: readonly string[],
  at: number,
  [valued, flags]: Options,
  first: boolean,
): string[] | undefined {
  const out: string[] = [];
  for (let k = at; k < args.length && !(first && out.length); k += 1) {
    const a = args[k]!;
    if (!a.startsWith('-')) out.push(a);
    else if (valued.includes(a)) k += 1;
    else if (!flags.includes(a) && !valued.includes(a.slice(0, a.indexOf('=')))) return undefined;
  }
  return out;
}

/**
 * The services `docker compose <args>` runs (`run`/`exec`: the one named; `up`/`start`/`create`:
 * those named), or undefined where every service may run (`up` alone, another subcommand, an option
 * not known here: its value could be taken for a service).
 */
export function composeServices(args: readonly string[]): string[] | undefined {
  let k = 0;
  while (k < args.length && args[k]!.startsWith('-')) k += GLOBAL_VALUED.includes(args[k]!) ? 2 : 1;
  const sub = args[k] === 'start' || args[k] === 'create' ? 'up' : args[k];
  if (sub === undefined || !Object.hasOwn(OPTIONS, sub)) return undefined;
  const services = plainWords(args, k + 1, OPTIONS[sub]!, sub !== 'up');
  return services?.length ? services : undefined;
}

/** Past this many services, all of the file. */
const MAX_SERVICES = 1024;

const names = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : isObject(v) ? Object.keys(v) : [];
/** `service:x` (network_mode, pid, ipc, volumes_from) and a plain service name (volumes_from, links `x:alias`). */
const serviceOf = (v: unknown, plain: boolean): string[] => {
  if (typeof v !== 'string') return [];
  if (v.startsWith('service:')) return [v.slice('service:'.length).split(':')[0]!];
  return plain && !v.startsWith('container:') ? [v.split(':')[0]!] : [];
};

/** The services a service's definition needs beside itself. */
function needs(s: Record<string, unknown>): string[] {
  const ext = s.extends;
  const extended =
    typeof ext === 'string' ? [ext] : isObject(ext) && ext.file === undefined ? names([ext.service]) : [];
  return [
    ...names(s.depends_on),
    ...(Array.isArray(s.links) ? s.links.flatMap((l) => serviceOf(l, true)) : []),
    ...(Array.isArray(s.volumes_from) ? s.volumes_from.flatMap((v) => serviceOf(v, true)) : []),
    ...[s.network_mode, s.pid, s.ipc].flatMap((v) => serviceOf(v, false)),
    ...extended,
  ];
}

/** See the header: the part `docker compose run <services>` reads, as text to compare; undefined where the file is not read so. */
export function composePart(json: string, named: readonly string[]): string | undefined {
  const parsed = yamlObject(json);
  if (!parsed) return undefined;
  const { services, ...settings } = parsed;
  if (!isObject(services) || Object.keys(services).length > MAX_SERVICES) return undefined;
  const kept = new Map<string, unknown>();
  const todo = [...named];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (kept.has(name)) continue;
    const s = Object.hasOwn(services, name) ? services[name] : undefined;
    if (!isObject(s)) return undefined;
    kept.set(name, s);
    todo.push(...needs(s));
  }
  return JSON.stringify([settings, [...kept].sort(([a], [b]) => (a < b ? -1 : 1))]);
}
