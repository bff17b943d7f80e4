/**
 * Errors the user can act on. Every message names where the problem is and how to fix it;
 * adapters turn `location` into an annotation on the file.
 */
export interface Location {
  /** path of the file the problem is in (template, vars file…) */
  file?: string | undefined;
  /** 1-based line in that file, when known */
  line?: number | undefined;
  /** path inside the document, e.g. `containerDefinitions[1].portMappings[0].containerPort` */
  path?: string;
}

/** Bad input: raised before any mutating AWS call. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly location: Location = {},
    readonly fix?: string
  ) {
    super(formatInputError(message, location, fix));
  }
}

/** Several input problems reported together, so the user fixes them in one go. */
export class InputErrors extends Error {
  override readonly name = 'InputErrors';
  constructor(readonly errors: InputError[]) {
    super(errors.length === 1 ? errors[0]!.message : `${errors.length} problems:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
}

/**
 * Runs each reader of a group of inputs, collecting the problems instead of stopping at the
 * first, so the user sees every one of them at once.
 */
export class InputProblems {
  readonly errors: InputError[] = [];

  /** The reader's value, or `fallback` after recording its problems. Anything else thrown goes on up. */
  read<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof InputErrors) this.errors.push(...error.errors);
      else if (error instanceof InputError) this.errors.push(error);
      else throw error;
      return fallback;
    }
  }

  add(error: InputError): void {
    this.errors.push(error);
  }

  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0]!;
    if (this.errors.length > 1) throw new InputErrors(this.errors);
  }
}

function formatInputError(message: string, loc: Location, fix?: string): string {
  const where = [loc.file && (loc.line ? `${loc.file}:${loc.line}` : loc.file), loc.path].filter(Boolean).join(' ');
  return `${where ? `${where}: ` : ''}${message}${fix ? ` (${fix})` : ''}`;
}

/** Normalises anything thrown (strings, objects, Errors) into a message: a non-Error throw must still fail the step. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
