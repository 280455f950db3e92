// ssl (standard library): https://docs.python.org/3/library/ssl.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'ssl',
  sources: ['https://docs.python.org/3/library/ssl.html#context-creation'],
  functions: {
    create_default_context: { returns: 'ssl.SSLContext' },
    _create_unverified_context: { returns: 'ssl.SSLContext' },
  },
  starExports: { '': 'SSLContext create_default_context' },
});
