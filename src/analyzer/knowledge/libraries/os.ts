// os (standard library): https://docs.python.org/3/library/os.html#process-management
// Its file-system calls are blocking-file-io's (rules/support/file-system-calls.ts: they need path reasoning).
import { defineLibrary, type CallableKnowledge } from '../library.js';

const RUNS: CallableKnowledge = { blocking: { kind: 'process', does: 'runs a process and waits for it', instead: 'run' } };
const STARTS: CallableKnowledge = { blocking: { kind: 'process', does: 'starts a process synchronously', instead: 'start' } };
const WAITS: CallableKnowledge = { blocking: { kind: 'process', does: 'waits for a process', instead: 'wait' } };
const each = (names: string, call: CallableKnowledge) => Object.fromEntries(names.split(' ').map((name) => [name, call]));

export default defineLibrary({
  module: 'os',
  sources: ['https://docs.python.org/3/library/os.html#process-management'],
  functions: {
    system: RUNS,
    ...each('popen posix_spawn posix_spawnp spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe', STARTS),
    ...each('wait waitpid wait3 wait4 waitid', WAITS),
  },
  starExports: {
    '': '_exit abort access chmod chown fdopen fwalk lchown link listdir lstat makedirs mkdir open openpty path pipe pipe2 popen posix_spawn posix_spawnp readlink remove removedirs rename renames replace rmdir scandir sendfile spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe stat statvfs symlink system truncate unlink utime wait wait3 wait4 waitid waitpid walk',
    path: 'exists getatime getctime getmtime getsize isdir isfile islink ismount lexists realpath samefile',
  },
});
