const LABEL_VALUE_MAX = 63;
const ALLOWED = /[A-Za-z0-9._-]/;

/**
 * SSVirt's `sanitizeLabelValue` (services/kubernetes.go): every character (Unicode code point)
 * outside `[A-Za-z0-9._-]` becomes `-`, leading and trailing `-_.` are trimmed, a value left empty
 * becomes `unknown`, and the result is cut to 63 characters (trailing `-_.` trimmed again). An empty
 * input stays empty (Go returns before sanitising it). Pure.
 */
export function sanitizeLabelValue(value: string): string {
  if (value === "") return "";
  let sanitized = "";
  for (const character of value) sanitized += ALLOWED.test(character) ? character : "-";
  sanitized = trimSet(sanitized, "-_.");
  if (sanitized === "") return "unknown";
  if (sanitized.length > LABEL_VALUE_MAX) sanitized = trimEnd(sanitized.slice(0, LABEL_VALUE_MAX), "-_.");
  return sanitized;
}

function trimSet(text: string, characters: string): string {
  return trimEnd(trimStart(text, characters), characters);
}

function trimStart(text: string, characters: string): string {
  let start = 0;
  while (start < text.length && characters.includes(text[start] as string)) start++;
  return text.slice(start);
}

export function trimEnd(text: string, characters: string): string {
  let end = text.length;
  while (end > 0 && characters.includes(text[end - 1] as string)) end--;
  return text.slice(0, end);
}
