// GitHub's REST error shape: {"message", "errors"?, "documentation_url", "status"}.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors && { errors: this.errors }),
      documentation_url: 'https://docs.github.com/rest',
      status: String(this.status),
    };
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not Found');

/** 422 as GitHub words a schema violation: `Invalid request.\n\n"name" wasn't supplied.` */
export const invalid = (detail: string): HttpError => new HttpError(422, `Invalid request.\n\n${detail}`);

export const unprocessable = (errors: string[]): HttpError => new HttpError(422, 'Unprocessable Entity', errors);
