import { parse } from 'csv-parse/sync';

/** A CSV with a header row and numeric cells, checked line by line. */
export interface Table {
  header: string[];
  rows: string[][];
  /** The file line each row came from (1-based), for messages. */
  lines: number[];
}

/** An error whose message is for the user as it stands: the CLI prints it and exits 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Parses CSV text: a header, then rows of the header's width. Empty files, ragged rows and bad quoting fail by line. */
export function readTable(text: string, file: string): Table {
  if (text.trim() === '') throw new CliError(`${file}: the file is empty`);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
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
  if (body.length === 0) throw new CliError(`${file}: there is a header but no data rows`);
  for (const r of body) {
    if (r.record.length !== header.length) {
      throw new CliError(
        `${file}: line ${r.info.lines}: expected ${header.length} values (like the header), found ${r.record.length}`,
      );
    }
  }
  return { header, rows: body.map((r) => r.record), lines: body.map((r) => r.info.lines) };
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
