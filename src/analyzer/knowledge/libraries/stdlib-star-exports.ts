// Standard-library modules rules know only by what `from MODULE import *` binds (checked with CPython 3.11):
// after a lone star import, a bare name nothing else binds is the module's. What their calls do is
// blocking-file-io's table (rules/support/file-system-calls.ts).
import { defineLibrary } from '../library.js';

const starOnly = (module: string, names: string) => defineLibrary({
  module,
  sources: [`https://docs.python.org/3/library/${module}.html`],
  starExports: { '': names },
});

export default [
  starOnly('tempfile', 'NamedTemporaryFile SpooledTemporaryFile TemporaryFile mkdtemp mkstemp'),
  starOnly('shutil', 'chown copy copy2 copyfile copymode copystat copytree disk_usage make_archive move rmtree unpack_archive which'),
  starOnly('glob', 'glob iglob'),
  starOnly('gzip', 'open'),
  starOnly('bz2', 'open'),
  starOnly('lzma', 'open'),
  starOnly('importlib', 'import_module'),
  starOnly('concurrent.futures', 'ProcessPoolExecutor ThreadPoolExecutor'),
  starOnly('pty', 'openpty'),
];
