#!/usr/bin/env node
// The async-review command line: check, review, rules, rule. Exit 0 clean, 1 findings, 2 usage or internal error.
import './vm-tuning.js'; // first: tunes V8 before the other modules run
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from './check.js';
import { registerReviewCommand } from './review.js';
import { registerRuleCommands } from './rules.js';
import { packageVersion } from './output.js';
import { EXIT } from './shared.js';

const program = new Command('async-review')
  .description('Find asyncio pitfalls in Python code')
  .version(packageVersion())
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerCheckCommand(program);
registerReviewCommand(program);
registerRuleCommands(program);

// A reader that goes away (`| head`) ends the run quietly with its exit code; any other failure to write the
// report (a full disk) is an error, said in one line.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`async-review: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? process.exitCode ?? EXIT.clean : EXIT.error);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end with exit code 0; usage mistakes have been printed by commander already.
    process.exitCode = error.exitCode === 0 ? EXIT.clean : EXIT.error;
  } else {
    process.stderr.write(`async-review: ${(error as Error).message}\n`);
    process.exitCode = EXIT.error;
  }
}
