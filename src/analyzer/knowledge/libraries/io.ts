// io and the builtin open (standard library): https://docs.python.org/3/library/io.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'io',
  sources: ['https://docs.python.org/3/library/io.html#io.open', 'https://docs.python.org/3/library/functions.html#open'],
  functions: {
    open: { enters: 'io.IOBase' },
  },
  starExports: { '': 'IOBase open open_code' },
});
