// The compiled CLI with bytes on its standard input (`check -`).
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

export function runCliWithInput(args: string[], cwd: string, input: string | Uint8Array) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
