// pathlib (standard library): https://docs.python.org/3/library/pathlib.html
// Which Path methods do I/O is blocking-file-io's table (rules/support/file-system-calls.ts).
import { defineLibrary } from '../library.js';

/** Path methods that return a path (`rename`, `replace` and `readlink` do I/O, and return the new path). */
const PATH_RETURNING = 'cwd home resolve absolute expanduser with_name with_suffix with_stem with_segments joinpath relative_to readlink rename replace';

export default defineLibrary({
  module: 'pathlib',
  sources: ['https://docs.python.org/3/library/pathlib.html'],
  classes: {
    Path: {
      aliases: ['pathlib.PosixPath', 'pathlib.WindowsPath'],
      methods: Object.fromEntries(PATH_RETURNING.split(' ').map((name) => [name, { returns: 'pathlib.Path' }])),
      attributes: { parent: 'pathlib.Path' },
    },
  },
  starExports: { '': 'Path PosixPath WindowsPath' },
});
