// http.client (standard library, synchronous): https://docs.python.org/3/library/http.client.html
import { defineLibrary, type ClassKnowledge } from '../library.js';

const CONNECTION: ClassKnowledge = { methods: { request: { blocking: { kind: 'http' } }, getresponse: { blocking: { kind: 'http' } } } };

export default defineLibrary({
  module: 'http.client',
  sources: ['https://docs.python.org/3/library/http.client.html'],
  classes: { HTTPConnection: CONNECTION, HTTPSConnection: CONNECTION },
  starExports: { '': 'HTTPConnection HTTPSConnection' },
});
