// ANSI colours for the terminal formats (full and concise), or plain text.
import type { Severity } from '../analyzer/types.js';

export interface Painter {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  /** Red for errors, yellow for warnings, cyan for info. */
  severity(severity: Severity, text: string): string;
}

export function painter(enabled: boolean): Painter {
  const wrap = (code: number) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  const colors = { bold: wrap(1), red: wrap(31), green: wrap(32), yellow: wrap(33), cyan: wrap(36) };
  return {
    ...colors,
    severity: (severity, text) => (severity === 'error' ? colors.red : severity === 'warning' ? colors.yellow : colors.cyan)(text),
  };
}
