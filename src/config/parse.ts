// Reading `.github/async-review.yml`: YAML, then the checks of validate.ts, with one precise error line per problem.
import { parseDocument } from 'yaml';
import { DEFAULT_CONFIG } from './index.js';
import { validateConfig, type ParseConfigResult } from './validate.js';

export type { ParseConfigResult } from './validate.js';

/** Parses the config file's text. Null, empty or comment-only text gives the defaults. On failure,
 *  `error` has one line per problem, each naming the key (or YAML line) and what is wrong. */
export function parseConfig(text: string | null): ParseConfigResult {
  if (text === null || text.trim() === '') return { ok: true, config: DEFAULT_CONFIG };
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, error: document.errors.map((e) => `invalid YAML: ${firstLine(e.message)}`).join('\n') };
  }
  return validateConfig(document.toJS());
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/:$/, '');
}
