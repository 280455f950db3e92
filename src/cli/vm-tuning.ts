// Imported first by the CLI entry point, before any other module runs. A check is a short batch run (seconds):
// with V8's default tiering, TurboFan compiles every function that gets warm, in each of the analyzer's threads
// again, and on the corpus benchmark that compiling was ~15% of the CLI's CPU. A higher interrupt budget leaves
// only the really hot functions to it (they still get optimized in long runs). Measured in BENCHMARKS.md.
// Process-wide, so the worker threads started later run with it too. Not used by the App: a long-lived server
// gains from optimizing early.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--interrupt-budget=1000000');
