// builtins (the names Python binds in every module): https://docs.python.org/3/library/functions.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'builtins',
  sources: ['https://docs.python.org/3/library/functions.html'],
  functions: {
    open: { enters: 'io.IOBase' },
    input: { blocking: { kind: 'input' } },
    staticmethod: { roles: ['transparent-decorator'] },
    classmethod: { roles: ['transparent-decorator'] },
  },
});
