// time (standard library): https://docs.python.org/3/library/time.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'time',
  sources: ['https://docs.python.org/3/library/time.html#time.sleep'],
  functions: { sleep: { blocking: { kind: 'sleep' } } },
  starExports: { '': 'sleep' },
});
