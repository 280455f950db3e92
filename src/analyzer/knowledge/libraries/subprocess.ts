// subprocess (standard library): https://docs.python.org/3/library/subprocess.html
import { defineLibrary, type CallableKnowledge } from '../library.js';

const RUNS: CallableKnowledge = { blocking: { kind: 'process', does: 'runs a process and waits for it', instead: 'run' } };

export default defineLibrary({
  module: 'subprocess',
  sources: ['https://docs.python.org/3/library/subprocess.html'],
  functions: {
    run: RUNS, call: RUNS, check_call: RUNS, check_output: RUNS, getoutput: RUNS, getstatusoutput: RUNS,
    Popen: { blocking: { kind: 'process', does: 'starts a process synchronously', instead: 'start' } },
  },
  starExports: { '': 'Popen call check_call check_output getoutput getstatusoutput run' },
});
