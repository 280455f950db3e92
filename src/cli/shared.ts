export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/** commander option parser for repeatable, comma-separated lists. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Colour only on a terminal, never with `--no-color` or NO_COLOR set (commander gives `--no-color` options a
 *  default of true, so the option alone cannot tell a pipe from a terminal). */
export function useColor(option: boolean | undefined): boolean {
  return option !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
}
