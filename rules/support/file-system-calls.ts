// What blocking-file-io knows about calls that wait on the file system, as data. To teach the rule a call,
// add its qualified name (`module.function`, or `type.method` for a method of a value whose type the model
// infers: see src/analyzer/model/known-apis.ts for what a call returns) to FILE_SYSTEM_CALLS; the rule's
// logic names no call. The other tables say when such a call does no file-system I/O after all.

/** How a call blocks (which picks the finding's wording) and what the rule may offer for it. */
export interface FileSystemCall {
  /** `open`: opens a file the code then uses (no fix: that code changes too); `file-system`: waits on the
   *  file system and returns its answer; `directory`: reads a directory; `method`: a method of a path. */
  kind: 'open' | 'file-system' | 'directory' | 'method';
  /** Can `await asyncio.to_thread(f, ...)` run the call as written? Not for lazy iterators (`os.scandir`,
   *  `Path.iterdir`), which block while they are iterated, nor for `open`s, whose file is used afterwards. */
  offload: boolean;
  /** How many leading arguments name paths (1 when not given): when every one of them names a pseudo-file
   *  (`/proc/...`) or an open descriptor, the call does no disk I/O. 0: the arguments name no path. */
  paths?: number;
}

type Entry = [string, FileSystemCall];

/** `calls('os', 'stat lstat', { kind: 'file-system', offload: true })`: one entry per name. */
const calls = (owner: string, names: string, call: FileSystemCall): Entry[] =>
  names.trim().split(/\s+/).map((name) => [`${owner}.${name}`, call]);

const OPENS: FileSystemCall = { kind: 'open', offload: false };
const WAITS: FileSystemCall = { kind: 'file-system', offload: true };
const WAITS_ON_TWO_PATHS: FileSystemCall = { kind: 'file-system', offload: true, paths: 2 };
const LISTS: FileSystemCall = { kind: 'directory', offload: true };
const LISTS_LAZILY: FileSystemCall = { kind: 'directory', offload: false };
const METHOD: FileSystemCall = { kind: 'method', offload: true, paths: 0 };
const LAZY_METHOD: FileSystemCall = { kind: 'method', offload: false, paths: 0 };

/** Every call the rule reports (ASYNC230, ASYNC231, ASYNC240), by qualified name. */
export const FILE_SYSTEM_CALLS: ReadonlyMap<string, FileSystemCall> = new Map([
  // Opening a file. (`os.fdopen` is missing on purpose: it wraps a descriptor that is open already.)
  ['builtins.open', OPENS], ['io.open', OPENS], ['io.open_code', OPENS], ['codecs.open', OPENS],
  ...calls('tempfile', 'TemporaryFile NamedTemporaryFile', { ...OPENS, paths: 0 }),

  // `os.path` functions that touch the file system (ASYNC240); the others are string work, and so is
  // `os.path.abspath` (it asks only for the working directory).
  ...calls('os.path', 'exists lexists isfile isdir islink ismount getsize getmtime getatime getctime realpath', WAITS),
  ['os.path.samefile', WAITS_ON_TWO_PATHS],

  // Reading a directory.
  ['os.listdir', LISTS],
  ...calls('os', 'scandir walk', LISTS_LAZILY),

  // `pathlib.Path` methods that do file-system I/O (ASYNC240).
  ...calls('pathlib.Path', `read_text write_text read_bytes write_bytes exists is_file is_dir is_symlink is_mount
    stat lstat mkdir rmdir unlink touch rename replace chmod samefile owner group readlink symlink_to hardlink_to`, METHOD),
  ...calls('pathlib.Path', 'open iterdir glob rglob', LAZY_METHOD),
]);

/** Path prefixes of pseudo-file systems and devices: reading or listing them asks the kernel, not a disk
 *  (`/dev/fd` lists the process's own descriptors). A path is under one when it is the prefix or goes on with `/`. */
export const PSEUDO_FILE_PREFIXES: readonly string[] = ['/proc', '/sys', '/dev/fd', '/dev/null'];

/** Names holding a pseudo-file's path (`open(os.devnull, "w")`). */
export const PSEUDO_FILE_NAMES: ReadonlySet<string> = new Set(['os.devnull']);

/** Calls whose result is a path under the same directory as their first argument (`argument`:
 *  `os.path.join("/proc", pid)`) or as the path they are called on (`receiver`: `Path("/proc").joinpath(pid)`). */
export const PATH_BUILDERS: ReadonlyMap<string, 'argument' | 'receiver'> = new Map([
  ...['pathlib.Path', 'pathlib.PosixPath', 'os.path.join', 'os.fspath', 'builtins.str']
    .map((name): [string, 'argument'] => [name, 'argument']),
  ...['joinpath', 'with_name', 'with_suffix', 'with_stem']
    .map((name): [string, 'receiver'] => [`pathlib.Path.${name}`, 'receiver']),
]);
