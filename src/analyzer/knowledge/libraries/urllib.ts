// urllib.request (standard library, synchronous): https://docs.python.org/3/library/urllib.request.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'urllib',
  sources: ['https://docs.python.org/3/library/urllib.request.html'],
  functions: {
    'request.urlopen': { blocking: { kind: 'http' } },
    'request.urlretrieve': { blocking: { kind: 'http' } },
  },
  starExports: { request: 'urlopen urlretrieve' },
});
