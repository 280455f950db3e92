// What blocking-file-io knows about calls that wait on the file system, as data. To teach the rule a call,
// add its qualified name (`module.function`, or `type.method` for a method of a value whose type the model
// infers: see src/analyzer/model/known-apis.ts for what a call returns) to FILE_SYSTEM_CALLS; the rule's
// logic names no call. The other tables say when such a call does no file-system I/O after all.

/** How a call blocks (which picks the finding's wording) and what the rule may offer for it. */
export interface FileSystemCall {
  /** `open`: opens a file the code then uses (no fix: that code changes too); `file-system`: waits on the
   *  file system and returns its answer; `directory`: reads a directory; `method`: a method of a path, a
   *  temporary file or an SSL context. */
  kind: 'open' | 'file-system' | 'directory' | 'method';
  /** Can `await asyncio.to_thread(f, ...)` run the call as written? Not for lazy iterators (`os.scandir`,
   *  `glob.iglob`, `Path.iterdir`), which block while they are iterated, nor for `open`s, whose file is used
   *  afterwards, nor where running the call in another thread changes what it does (`import_module`). */
  offload: boolean;
  /** How many leading arguments name paths (1 when not given): when every one of them names a pseudo-file
   *  (`/proc/...`) or an in-memory stream, the call does no disk I/O. 0: the arguments name no path. */
  paths?: number;
}

type Entry = [string, FileSystemCall];

/** `calls('os', 'stat lstat', { kind: 'file-system', offload: true })`: one entry per name. */
const calls = (owner: string, names: string, call: FileSystemCall): Entry[] =>
  names.trim().split(/\s+/).map((name) => [`${owner}.${name}`, call]);

const OPENS: FileSystemCall = { kind: 'open', offload: false };
const WAITS: FileSystemCall = { kind: 'file-system', offload: true };
const WAITS_ON_TWO_PATHS: FileSystemCall = { kind: 'file-system', offload: true, paths: 2 };
const WAITS_ON_NO_PATH: FileSystemCall = { kind: 'file-system', offload: true, paths: 0 };
const LISTS: FileSystemCall = { kind: 'directory', offload: true };
const LISTS_LAZILY: FileSystemCall = { kind: 'directory', offload: false };
const METHOD: FileSystemCall = { kind: 'method', offload: true, paths: 0 };
const LAZY_METHOD: FileSystemCall = { kind: 'method', offload: false, paths: 0 };

/** Every call the rule reports (ASYNC230, ASYNC231, ASYNC240 and more), by qualified name. */
export const FILE_SYSTEM_CALLS: ReadonlyMap<string, FileSystemCall> = new Map([
  // Opening a file. (`os.fdopen` is missing on purpose: it wraps a descriptor that is open already.)
  ['builtins.open', OPENS], ['io.open', OPENS], ['io.open_code', OPENS], ['codecs.open', OPENS],
  ['gzip.open', OPENS], ['bz2.open', OPENS], ['lzma.open', OPENS],
  ...calls('tempfile', 'TemporaryFile NamedTemporaryFile', { ...OPENS, paths: 0 }),

  // `os.path` functions that touch the file system (ASYNC240); the others are string work, and so is
  // `os.path.abspath` (it asks only for the working directory).
  ...calls('os.path', 'exists lexists isfile isdir islink ismount getsize getmtime getatime getctime realpath', WAITS),
  ['os.path.samefile', WAITS_ON_TWO_PATHS],
  ...calls('os', 'stat lstat access statvfs open readlink remove unlink rmdir removedirs mkdir makedirs chmod chown lchown truncate utime', WAITS),
  ...calls('os', 'rename renames replace link symlink', WAITS_ON_TWO_PATHS),
  ['os.sendfile', WAITS_ON_NO_PATH],
  ...calls('tempfile', 'mkstemp mkdtemp', { ...WAITS, paths: 0 }),
  // `shutil.copyfileobj` is missing on purpose: it copies between file objects, which may be in memory.
  ...calls('shutil', 'copy copy2 copyfile copymode copystat copytree move', WAITS_ON_TWO_PATHS),
  ...calls('shutil', 'rmtree chown disk_usage unpack_archive', WAITS),
  ...calls('shutil', 'make_archive which', WAITS_ON_NO_PATH),
  // TLS set-up reads certificate files (the system's CA bundle when none is named).
  ['ssl.create_default_context', WAITS_ON_NO_PATH],
  ['ssl._create_unverified_context', WAITS_ON_NO_PATH],
  ...calls('ssl.SSLContext', 'load_verify_locations load_cert_chain load_default_certs set_default_verify_paths load_dh_params', METHOD),
  // Importing reads (and runs) the module's files the first time; in a worker thread, a module's top-level
  // code that needs the main thread or the running loop (`signal.signal`, `asyncio.get_event_loop()`) fails.
  ['importlib.import_module', { kind: 'file-system', offload: false, paths: 0 }],

  // Reading a directory.
  ['os.listdir', LISTS], ['glob.glob', LISTS],
  ...calls('os', 'scandir walk fwalk', LISTS_LAZILY),
  ['glob.iglob', LISTS_LAZILY],

  // `pathlib.Path` methods that do file-system I/O (ASYNC240). `absolute`, `expanduser`, `home` and `cwd`
  // are missing on purpose: they ask only for the working directory or the environment.
  ...calls('pathlib.Path', `read_text write_text read_bytes write_bytes exists is_file is_dir is_symlink is_mount
    is_block_device is_char_device is_fifo is_socket is_junction stat lstat mkdir rmdir unlink touch rename replace
    chmod lchmod samefile owner group readlink symlink_to hardlink_to resolve copy copy_into move move_into`, METHOD),
  ...calls('pathlib.Path', 'open iterdir glob rglob walk', LAZY_METHOD),
  // Reads and writes of temporary files, which live on disk (a SpooledTemporaryFile only past its max_size:
  // see SPOOLED_FILES).
  ...['tempfile.TemporaryFile', 'tempfile.NamedTemporaryFile', 'tempfile.SpooledTemporaryFile'].flatMap((type) =>
    calls(type, 'read read1 readinto readline readlines write writelines flush truncate', METHOD)),
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

/** Types of in-memory streams: opening one (`gzip.open(io.BytesIO(data))`) touches no file. */
export const IN_MEMORY_STREAMS: ReadonlySet<string> = new Set(['io.BytesIO', 'io.StringIO']);

/** An argument by keyword and, when it may be passed by position, its index. */
export interface Parameter { name: string; position?: number }

/** A way of calling that reads no file: `when` is passed (not as None), or passed as the name `is`, and none
 *  of `files` is. */
export interface FileFreeForm { when: Parameter & { is?: string }; files: readonly Parameter[] }

const CA_FILES: readonly Parameter[] = [{ name: 'cafile' }, { name: 'capath' }];

/** Calls that read no file in some forms: `ssl.create_default_context(cadata=pem)` loads the certificates it
 *  is given instead of the system's CA bundle, and a server's context (`Purpose.CLIENT_AUTH`) verifies no
 *  peer, so loads none. */
export const FILE_FREE_FORMS: ReadonlyMap<string, readonly FileFreeForm[]> = new Map(
  ['ssl.create_default_context', 'ssl._create_unverified_context'].map((name): [string, FileFreeForm[]] => [name, [
    { when: { name: 'cadata' }, files: CA_FILES },
    { when: { name: 'purpose', position: 0, is: 'ssl.Purpose.CLIENT_AUTH' }, files: CA_FILES },
  ]]),
).set('ssl.SSLContext.load_verify_locations', [
  { when: { name: 'cadata', position: 2 }, files: [{ name: 'cafile', position: 0 }, { name: 'capath', position: 1 }] },
]);

/** File types that stay in memory unless made with a size past which they move to disk: a
 *  `SpooledTemporaryFile()` without `max_size` (or with 0) never does. */
export const SPOOLED_FILES: ReadonlyMap<string, Parameter> = new Map([
  ['tempfile.SpooledTemporaryFile', { name: 'max_size', position: 0 }],
]);
