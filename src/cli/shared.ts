export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/** commander option parser for repeatable, comma-separated lists. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}
