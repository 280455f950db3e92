// The config in `pyproject.toml`, under `[tool.async-review]`: the same keys as `.github/async-review.yml`
// (`[tool.async-review.rules]`, `[tool.async-review.per-file-ignores]`, ...), checked by the same schema.
import { parse as parseToml, TomlError } from 'smol-toml';
import { validateConfig, type ParseConfigResult } from './validate.js';

export const PYPROJECT = 'pyproject.toml';
export const PYPROJECT_TABLE = '[tool.async-review]';

/** A cheap test on the text: does this pyproject.toml seem to hold our table (`[tool.async-review]`,
 *  `[tool.async-review.rules]`, or `async-review = {...}` under `[tool]`)? */
export function mentionsOurTable(text: string): boolean {
  return /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*["']?async-review["']?[ \t]*[\].]/m.test(text) || /^[ \t]*["']?async-review["']?[ \t]*=/m.test(text);
}

/** Our config from a pyproject.toml's text; null when it has no `[tool.async-review]` table. */
export function parsePyprojectConfig(text: string): ParseConfigResult | null {
  if (!mentionsOurTable(text)) return null;
  const parsed = parseDocument(text);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  return parsed.ours === undefined ? null : validateConfig(parsed.ours);
}

/** A TOML file given with `--config` that is not a pyproject.toml: its `[tool.async-review]` table when it has
 *  one, else the whole document. */
export function parseTomlConfig(text: string): ParseConfigResult {
  const parsed = parseDocument(text);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  return validateConfig(parsed.ours ?? parsed.document);
}

/** A TOML document and its `[tool.async-review]` table (undefined when it has none), or the syntax error. */
function parseDocument(text: string): { document: Record<string, unknown>; ours: unknown } | { error: string } {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    return { error: tomlErrorLine(error) };
  }
  const tool = document.tool as Record<string, unknown> | undefined;
  return { document, ours: tool && typeof tool === 'object' && 'async-review' in tool ? tool['async-review'] : undefined };
}

function tomlErrorLine(error: unknown): string {
  if (!(error instanceof TomlError)) return `invalid TOML: ${(error as Error).message}`;
  const what = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
  return `invalid TOML: ${what} at line ${error.line}, column ${error.column}`;
}
