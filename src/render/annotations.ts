// Check-run annotations: one per reported finding, anywhere in the file (annotations, unlike review
// comments, are not limited to diff hunks). GitHub takes at most 50 per request.
import type { Severity } from '../analyzer/types.js';
import type { ReviewItem } from './review.js';

export const ANNOTATIONS_PER_REQUEST = 50;

/** An annotation of the Checks API (`output.annotations[]`). */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
  raw_details?: string;
}

const LEVEL: Record<Severity, Annotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' };
const MAX_TEXT = 64 * 1024 - 1;
const MAX_TITLE = 255;

export function renderAnnotations(items: readonly ReviewItem[]): Annotation[] {
  return items
    .filter((item) => item.onChangedLines)
    .map(({ finding }) => {
      const annotation: Annotation = {
        path: finding.path,
        start_line: finding.line,
        end_line: finding.endLine,
        annotation_level: LEVEL[finding.severity],
        title: truncate(finding.rule, MAX_TITLE),
        message: truncate(finding.message, MAX_TEXT),
        raw_details: truncate(`Corrected form:\n${finding.corrected}`, MAX_TEXT),
      };
      // GitHub accepts columns only on single-line annotations; its columns are 1-based, end inclusive.
      if (finding.line === finding.endLine) {
        annotation.start_column = finding.column;
        annotation.end_column = Math.max(finding.column, finding.endColumn - 1);
      }
      return annotation;
    });
}

export function batches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never split a surrogate pair: cut on code points.
  const points = Array.from(text.slice(0, max));
  let result = '';
  for (const point of points) {
    if (result.length + point.length > max - 1) break;
    result += point;
  }
  return `${result}…`;
}
