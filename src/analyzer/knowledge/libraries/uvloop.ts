// uvloop: https://uvloop.readthedocs.io/
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'uvloop',
  sources: ['https://github.com/MagicStack/uvloop#using-uvloop'],
  functions: { run: { roles: ['new-loop-runner'] } },
});
