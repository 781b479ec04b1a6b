/** Small text helpers the HTML reader's modules share. */

/** Text reduced to lowercase letters and digits, for comparing a title or lead with a block. */
export function normalKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
