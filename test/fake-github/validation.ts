// The checks GitHub applies to check-run and review writes, with GitHub's answers (422 and its wording, as
// seen in the wild). One bad comment fails the whole review, as on GitHub.
import { invalid, unprocessable } from './http-error.js';
import type { Annotation, PullRequest } from './model.js';
import { hunkIndexOf, positionCount, type Side } from './patch.js';

export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_OUTPUT_CHARS = 65_535;
export const MAX_TITLE_CHARS = 255;
export const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;

const CHECK_STATUSES = ['queued', 'in_progress', 'completed'];
const CHECK_CONCLUSIONS = ['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'];
const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'];
const REVIEW_EVENTS = ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'];

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(object: Json, key: string, where = ''): string {
  const value = object[key];
  if (value === undefined || value === null) throw invalid(`"${where}${key}" wasn't supplied.`);
  if (typeof value !== 'string') throw invalid(`For '${where}${key}', ${JSON.stringify(value)} is not a string.`);
  return value;
}

function requirePositiveInteger(object: Json, key: string, where = ''): number {
  const value = object[key];
  if (value === undefined || value === null) throw invalid(`"${where}${key}" wasn't supplied.`);
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw invalid(`For '${where}${key}', ${JSON.stringify(value)} is not a positive integer.`);
  }
  return value as number;
}

function optionalInteger(object: Json, key: string, where = ''): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw invalid(`For '${where}${key}', ${JSON.stringify(value)} is not a positive integer.`);
  }
  return value as number;
}

function maxLength(value: unknown, limit: number, what: string): void {
  if (typeof value === 'string' && value.length > limit) {
    throw invalid(`Only ${limit} characters are allowed in ${what}; ${value.length} were supplied.`);
  }
}

function oneOf(value: unknown, allowed: string[], key: string): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw invalid(`For '${key}', ${JSON.stringify(value)} is not a member of ${JSON.stringify(allowed)}.`);
  }
}

export interface CheckRunWrite {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  completed_at?: string;
  external_id?: string;
  details_url?: string;
  output?: { title: string; summary: string; text?: string; annotations: Annotation[] };
}

/** Validates the body of POST /check-runs (`creating`) or PATCH /check-runs/{id}. */
export function validateCheckRunWrite(body: unknown, creating: boolean): CheckRunWrite {
  if (!isObject(body)) throw invalid('Body should be a JSON object');
  if (creating) {
    requireString(body, 'name');
    requireString(body, 'head_sha');
  } else if (body.name !== undefined) requireString(body, 'name');
  oneOf(body.status, CHECK_STATUSES, 'status');
  oneOf(body.conclusion, CHECK_CONCLUSIONS, 'conclusion');
  if ((body.status === 'completed' || body.completed_at !== undefined) && body.conclusion === undefined) {
    throw invalid('"conclusion" wasn\'t supplied.');
  }
  let output: CheckRunWrite['output'];
  if (body.output !== undefined) {
    if (!isObject(body.output)) throw invalid(`For 'output', ${JSON.stringify(body.output)} is not an object.`);
    const title = requireString(body.output, 'title', 'output.');
    const summary = requireString(body.output, 'summary', 'output.');
    maxLength(title, MAX_TITLE_CHARS, 'output.title');
    maxLength(summary, MAX_OUTPUT_CHARS, 'output.summary');
    maxLength(body.output.text, MAX_OUTPUT_CHARS, 'output.text');
    const annotations = body.output.annotations ?? [];
    if (!Array.isArray(annotations)) throw invalid(`For 'output.annotations', ${JSON.stringify(annotations)} is not an array.`);
    if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
      throw invalid(`Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request; ${annotations.length} were supplied.`);
    }
    output = {
      title,
      summary,
      ...(typeof body.output.text === 'string' && { text: body.output.text }),
      annotations: annotations.map(validateAnnotation),
    };
  }
  return { ...(body as CheckRunWrite), output };
}

function validateAnnotation(annotation: unknown, index: number): Annotation {
  const where = `output.annotations[${index}].`;
  if (!isObject(annotation)) throw invalid(`For '${where.slice(0, -1)}', ${JSON.stringify(annotation)} is not an object.`);
  requireString(annotation, 'path', where);
  const start = requirePositiveInteger(annotation, 'start_line', where);
  const end = requirePositiveInteger(annotation, 'end_line', where);
  requireString(annotation, 'annotation_level', where);
  const message = requireString(annotation, 'message', where);
  oneOf(annotation.annotation_level, ANNOTATION_LEVELS, `${where}annotation_level`);
  if (end < start) throw invalid(`For '${where}end_line', ${end} is less than start_line ${start}.`);
  const startColumn = optionalInteger(annotation, 'start_column', where);
  const endColumn = optionalInteger(annotation, 'end_column', where);
  if ((startColumn !== undefined || endColumn !== undefined) && start !== end) {
    throw invalid(`For '${where}start_column', columns are only allowed when start_line equals end_line.`);
  }
  if (Buffer.byteLength(message) > MAX_ANNOTATION_MESSAGE_BYTES) throw invalid(`'${where}message' is over 64 KB.`);
  maxLength(annotation.title, MAX_TITLE_CHARS, `${where}title`);
  maxLength(annotation.raw_details, MAX_ANNOTATION_MESSAGE_BYTES, `${where}raw_details`);
  return annotation as unknown as Annotation;
}

export interface ReviewCommentWrite {
  path: string;
  body: string;
  line: number;
  side: Side;
  start_line: number | null;
  start_side: Side | null;
}

export interface ReviewWrite {
  commit_id: string;
  body: string;
  event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT' | undefined;
  comments: ReviewCommentWrite[];
}

/** Validates POST /pulls/{n}/reviews against the PR's current files. */
export function validateReviewWrite(body: unknown, pull: PullRequest): ReviewWrite {
  if (!isObject(body)) throw invalid('Body should be a JSON object');
  oneOf(body.event, REVIEW_EVENTS, 'event');
  const commitId = body.commit_id === undefined ? pull.headSha : requireString(body, 'commit_id');
  if (!pull.headHistory.includes(commitId)) throw unprocessable(['commit_id is not part of the pull request']);
  const text = body.body === undefined || body.body === null ? '' : requireString(body, 'body');
  const rawComments = body.comments ?? [];
  if (!Array.isArray(rawComments)) throw invalid(`For 'comments', ${JSON.stringify(rawComments)} is not an array.`);
  const event = body.event as ReviewWrite['event'];
  if (event === 'REQUEST_CHANGES' && text === '') throw unprocessable(['Review body is required when requesting changes']);
  if (event === 'COMMENT' && text === '' && rawComments.length === 0) throw unprocessable(['Review body is required']);
  const comments = rawComments.map((comment, index) => validateReviewComment(comment, index, pull, commitId));
  return { commit_id: commitId, body: text, event, comments };
}

/** A review comment must anchor inside one hunk of its file's patch on the given side. */
export function validateReviewComment(comment: unknown, index: number, pull: PullRequest, commitId: string): ReviewCommentWrite {
  const where = `comments[${index}].`;
  if (!isObject(comment)) throw invalid(`For '${where.slice(0, -1)}', ${JSON.stringify(comment)} is not an object.`);
  const path = requireString(comment, 'path', where);
  const text = requireString(comment, 'body', where);
  if (text.length > MAX_OUTPUT_CHARS) throw unprocessable(['Body is too long (maximum is 65536 characters)']);
  oneOf(comment.side, ['LEFT', 'RIGHT'], `${where}side`);
  oneOf(comment.start_side, ['LEFT', 'RIGHT'], `${where}start_side`);
  const side = (comment.side ?? 'RIGHT') as Side;
  const line = optionalInteger(comment, 'line', where);
  const position = optionalInteger(comment, 'position', where);
  const startLine = optionalInteger(comment, 'start_line', where);
  const file = pull.files.find((candidate) => candidate.filename === path);
  if (commitId !== pull.headSha) {
    // Comments on an earlier head are positioned against that head's diff, which this fake does not keep.
    throw unprocessable(['Line could not be resolved']);
  }
  if (!file) throw unprocessable(['Path could not be resolved']);
  if (line === undefined) {
    if (position === undefined) throw invalid(`"${where}line" wasn't supplied.`);
    if (position > positionCount(file.patch)) throw unprocessable(['Position could not be resolved']);
    return { path, body: text, line: position, side, start_line: null, start_side: null };
  }
  const hunk = hunkIndexOf(file.patch, line, side);
  if (hunk < 0) throw unprocessable(['Line could not be resolved']);
  if (startLine !== undefined) {
    const startSide = (comment.start_side ?? side) as Side;
    if (startLine >= line) throw unprocessable(['Pull request review thread start line must precede the end line.']);
    if (hunkIndexOf(file.patch, startLine, startSide) !== hunk) {
      throw unprocessable(['Pull request review thread start line must be part of the same hunk as the line.']);
    }
    return { path, body: text, line, side, start_line: startLine, start_side: startSide };
  }
  return { path, body: text, line, side, start_line: null, start_side: null };
}
