/**
 * The JSON object in `spec.templateParameters`: an object without members for an absent or empty
 * text (all defaults, ADR 5), undefined when the text is not a JSON object. A leaf with no
 * imports: validation, admission edits and conversion all read the text through it.
 */
export function decodeParameterObject(text: string | undefined): Readonly<Record<string, unknown>> | undefined {
  if (text === undefined || text === "") return {};
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    // The parser's message can quote the input, which may hold cloud-init: only the fact counts.
    return undefined;
  }
  return typeof decoded === "object" && decoded !== null && !Array.isArray(decoded) ? (decoded as Record<string, unknown>) : undefined;
}
