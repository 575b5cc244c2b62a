import { parse } from 'csv-parse/sync';

/** A CSV with a header row and numeric cells, checked line by line. */
export interface Table {
  header: string[];
  rows: string[][];
  /** The file line each row came from (1-based), for messages. */
  lines: number[];
  /** The delimiter the cells were split on: `--delimiter`'s, else the one sniffed from the header line. */
  delimiter: string;
  /** True when `delimiter` was sniffed rather than given. */
  sniffed: boolean;
}

/** How `readTable` reads a file. */
export interface ReadTableOptions {
  /** The delimiter to split on; without it, one of `,` `;` tab is sniffed from the header line. */
  delimiter?: string;
}

/** An error whose message is for the user as it stands: the CLI prints it and exits 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The delimiters `readTable` sniffs, in the order that breaks a tie. */
export const sniffedDelimiters = [',', ';', '\t'] as const;

/** `","`, `";"`, `tab`: a delimiter as messages write it. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `"${d}"`;
}

/**
 * Reads `--delimiter`: one character, or `tab` / `\t` for a tab. Quotes and line breaks cannot delimit cells.
 */
export function parseDelimiter(text: string): string {
  const d = text === 'tab' || text === '\\t' ? '\t' : text;
  if ([...d].length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new CliError(
      `--delimiter must be one character (or "tab"), not a quote or a line break; got "${text}"`,
    );
  }
  return d;
}

/**
 * The delimiter of a CSV: whichever of `,` `;` tab occurs most often outside quotes in the header line (the first
 * non-blank line); a comma on a tie or when there is none (a one-column file).
 */
export function sniffDelimiter(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts = new Map<string, number>(sniffedDelimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) as number) + 1);
  }
  let best: string = ',';
  for (const d of sniffedDelimiters) if ((counts.get(d) as number) > (counts.get(best) as number)) best = d;
  return best;
}

/**
 * Parses CSV text: a header, then rows of the header's width. A UTF-8 byte order mark (Excel's "CSV UTF-8") is
 * dropped; the delimiter is `options.delimiter` or sniffed (`sniffDelimiter`). Empty files, empty or repeated
 * column names, ragged rows and bad quoting fail by line.
 */
export function readTable(text: string, file: string, options: ReadTableOptions = {}): Table {
  const body0 = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body0.trim() === '') throw new CliError(`${file}: the file is empty`);
  const delimiter = options.delimiter ?? sniffDelimiter(body0);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body0, {
      delimiter,
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw new CliError(`${file}: the file is empty`);
  const header = head.record;
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const where = `${file}: line ${head.info.lines}, column ${i + 1}`;
    if (name === '') throw new CliError(`${where}: the column name is empty; every column needs a name`);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new CliError(
        `${where}: the column name "${name}" repeats column ${first + 1}; names must be unique`,
      );
    }
    seen.set(name, i);
  });
  if (body.length === 0) throw new CliError(`${file}: there is a header but no data rows`);
  for (const r of body) {
    if (r.record.length !== header.length) {
      throw new CliError(
        `${file}: line ${r.info.lines}: expected ${header.length} values (like the header), found ${r.record.length}`,
      );
    }
  }
  return {
    header,
    rows: body.map((r) => r.record),
    lines: body.map((r) => r.info.lines),
    delimiter,
    sniffed: options.delimiter === undefined,
  };
}

/** The numeric value of a cell, or an error naming the line, the column and the value. */
export function numberAt(table: Table, row: number, col: number, file: string): number {
  const cell = table.rows[row]?.[col] ?? '';
  const v = cell === '' ? Number.NaN : Number(cell);
  if (!Number.isFinite(v)) {
    throw new CliError(
      `${file}: line ${table.lines[row]}, column "${table.header[col]}": "${cell}" is not a number`,
    );
  }
  return v;
}
