/** Small string helpers shared across stages. */

/** Whitespace runs (newlines included) to one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
