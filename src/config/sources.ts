// Where the config comes from, decided in one place: a file named with `--config` wins; otherwise
// `.github/async-review.yml` or `[tool.async-review]` in pyproject.toml, whichever the project has. Having both
// is an error (one of them would be silently ignored): keep one, or name one with `--config`.
import type { Config } from './schema.js';
import { CONFIG_PATH, DEFAULT_CONFIG } from './index.js';
import { parseConfig, type ParseConfigResult } from './parse.js';
import { parsePyprojectConfig, parseTomlConfig, PYPROJECT, PYPROJECT_TABLE } from './pyproject.js';

export type LoadedConfig = { ok: true; config: Config; source: string | null } | { ok: false; error: string };

/** The project's own files' texts (null when absent). */
export function configFromProjectFiles(yamlText: string | null, pyprojectText: string | null): LoadedConfig {
  const fromPyproject = pyprojectText === null ? null : parsePyprojectConfig(pyprojectText);
  const pyprojectSource = `${PYPROJECT_TABLE} in ${PYPROJECT}`;
  if (yamlText !== null && fromPyproject !== null) {
    return { ok: false, error: `both ${CONFIG_PATH} and ${pyprojectSource} configure async-review: keep one of them (or name the one to use with --config)` };
  }
  if (yamlText !== null) return loaded(CONFIG_PATH, parseConfig(yamlText));
  if (fromPyproject !== null) return loaded(pyprojectSource, fromPyproject);
  return { ok: true, config: DEFAULT_CONFIG, source: null };
}

/** A file named with `--config`: TOML when its name ends in `.toml` (a pyproject.toml's `[tool.async-review]`
 *  table, or a whole file of our keys), YAML otherwise. `name`: as the user wrote it, for messages. */
export function configFromFile(name: string, text: string): LoadedConfig {
  if (!/\.toml$/i.test(name)) return loaded(name, parseConfig(text));
  const isPyproject = /(^|[/\\])pyproject\.toml$/i.test(name);
  const result = isPyproject ? parsePyprojectConfig(text) : parseTomlConfig(text);
  if (result === null) return { ok: false, error: `${name} has no ${PYPROJECT_TABLE} table` };
  return loaded(isPyproject ? `${PYPROJECT_TABLE} in ${name}` : name, result);
}

function loaded(source: string, result: ParseConfigResult): LoadedConfig {
  return result.ok ? { ok: true, config: result.config, source } : { ok: false, error: `invalid ${source}:\n${result.error}` };
}
