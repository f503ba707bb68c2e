/**
 * Tend's error catalogue: one stable code per failure a user can meet, with a plain-English
 * message and a hint on how to fix it. `docs/ERRORS.md` lists them all.
 *
 * Engines do not throw these for expected data conditions (they return values); shells map
 * an AppError to an HTTP status or an exit code.
 */

export const errorCatalogue = {
  CONFIG_INVALID: {
    status: 500,
    exitCode: 78,
    hint: 'Fix the listed settings (environment variables or flags) and start again.',
  },
  NOT_FOUND: {
    status: 404,
    exitCode: 3,
    hint: 'Check the code or id; list what exists with `tend orgs` or `tend metrics`.',
  },
  BAD_REQUEST: {
    status: 400,
    exitCode: 2,
    hint: 'Check the request parameters against the API documentation.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    exitCode: 2,
    hint: 'Use one of the methods the Allow header lists; the API documentation gives each route its method.',
  },
  IMPORT_FAILED: {
    status: 422,
    exitCode: 1,
    hint: 'Fix every listed problem in the file and import it again; nothing from it was saved.',
  },
  IMPORT_UNKNOWN_FORMAT: {
    status: 422,
    exitCode: 1,
    hint: 'Tend recognises a file by its header row; see "Import formats" in the README.',
  },
  FILE_UNREADABLE: { status: 422, exitCode: 1, hint: 'Check the path exists and is a readable file.' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    exitCode: 69,
    hint: 'Check DATABASE_URL, or unset it to use the embedded database.',
  },
  UNAUTHENTICATED: {
    status: 401,
    exitCode: 77,
    hint: 'Sign in, or send an API token as `Authorization: Bearer <token>` (create one with `tend tokens create`).',
  },
  FORBIDDEN: {
    status: 403,
    exitCode: 77,
    hint: 'Ask an administrator of the organisation for the role this needs.',
  },
  VALIDATION_FAILED: {
    status: 422,
    exitCode: 2,
    hint: 'Correct every listed field and send it again; nothing was saved.',
  },
  SIGN_IN_FAILED: {
    status: 401,
    exitCode: 77,
    hint: 'Check the email address and password. Accounts lock for a while after repeated failures.',
  },
  SIGN_IN_LOCKED: {
    status: 429,
    exitCode: 75,
    hint: 'Wait until the time given, then try again; or ask an administrator to reset the password.',
  },
  SIGN_IN_REFUSED: {
    status: 403,
    exitCode: 77,
    hint: 'Your NHS identity has no role Tend recognises for an organisation it knows; ask your organisation to set one up.',
  },
  SIGN_IN_INTERRUPTED: {
    status: 400,
    exitCode: 77,
    hint: 'Start again from the sign-in page, in the same browser; the sign-in must finish within ten minutes.',
  },
  SIGN_IN_UNAVAILABLE: {
    status: 502,
    exitCode: 69,
    hint: 'The single sign-on provider is not answering; try again later, or sign in with a Tend account.',
  },
  CONFLICT: {
    status: 409,
    exitCode: 1,
    hint: 'Someone changed this since you opened it; reload and make your change again.',
  },
  INVALID_ARGUMENT: { status: 400, exitCode: 2, hint: 'Run the command with --help to see what it accepts.' },
  STORE_IN_USE: {
    status: 503,
    exitCode: 75,
    hint: 'An embedded database has one process at a time: stop the one named, or work through it (a running `tend serve` takes imports at POST /api/v1/imports and backups with `tend backup`). For several processes at once, use PostgreSQL (DATABASE_URL).',
  },
  STORE_NOT_EMPTY: {
    status: 409,
    exitCode: 73,
    hint: 'Restore into an empty folder or database, or add --force to replace what is there.',
  },
  BACKUP_FAILED: {
    status: 500,
    exitCode: 74,
    hint: 'Check the file is a backup written by `tend backup` for this kind of store, that there is space, and that pg_dump and pg_restore (package postgresql-client) are installed for PostgreSQL.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    exitCode: 2,
    hint: 'Send the file as text/csv or as an .xlsx workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).',
  },
  UPLOAD_TOO_LARGE: {
    status: 413,
    exitCode: 1,
    hint: 'Split the file, or import it with `tend import` while the server is stopped.',
  },
  PDF_UNAVAILABLE: {
    status: 503,
    exitCode: 69,
    hint: 'Install Chromium (Debian: apt-get install chromium) or point CHROMIUM_PATH at it; the page itself prints too.',
  },
  INTERNAL: {
    status: 500,
    exitCode: 70,
    hint: 'This is a bug in Tend; please report it with the command you ran.',
  },
} as const satisfies Record<string, { status: number; exitCode: number; hint: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: readonly string[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? [];
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get exitCode(): number {
    return errorCatalogue[this.code].exitCode;
  }

  get hint(): string {
    return errorCatalogue[this.code].hint;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * VALIDATION_FAILED listing every `field: problem` at once, in the order of the form's fields
 * (`validationFailedInFieldOrder`); `fieldOf` maps a problem's field to its place in `fieldOrder`
 * (an inquiry's `answer_…` fields sit where its answers do). Unknown fields go last.
 */
export function validationFailedInFieldOrder(
  thing: string,
  unordered: readonly string[],
  fieldOrder: readonly string[],
  fieldOf: (field: string) => string = (field) => field,
): AppError {
  const place = (problem: string) => {
    const index = fieldOrder.indexOf(fieldOf(problem.slice(0, problem.indexOf(':'))));
    return index < 0 ? fieldOrder.length : index;
  };
  const problems = [...unordered].sort((a, b) => place(a) - place(b));
  return new AppError(
    'VALIDATION_FAILED',
    `The ${thing} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
    { details: problems },
  );
}
