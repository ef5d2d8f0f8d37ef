/** ANSI styling for a terminal; every function is the identity when colour is off. */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const COLOUR: Style = { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
const identity = (text: string) => text;
export const PLAIN: Style = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };

/** Colour only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function styleFor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): Style {
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === "") ? COLOUR : PLAIN;
}

/** Left-aligned columns separated by two spaces, the way kubectl prints tables. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ");
  return [line(header), ...rows.map(line)];
}
