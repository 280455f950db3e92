// Where a command's report goes: the file named with `--output-file` (its folders created as needed), or stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function writeReport(text: string, outputFile: string | undefined, cwd: string): void {
  if (outputFile === undefined) {
    process.stdout.write(text);
    return;
  }
  const path = resolve(cwd, outputFile);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new Error(`--output-file ${outputFile}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
