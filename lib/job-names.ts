/**
 * Job names: what the queue board shows on each job's card (issue 16). A job is named after its
 * file, plus the article's index for per-article jobs, so a card says which file it is instead of
 * only a content hash (the id) and the payload.
 */

/** Longest name shown, in characters: a card's title line. */
const MAX_NAME_LENGTH = 120;

export function jobName(file: { fileName: string }, articleIndex?: number): string {
  const suffix = articleIndex === undefined ? '' : ` #${articleIndex}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const name = file.fileName.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const room = MAX_NAME_LENGTH - suffix.length;
  if (name.length <= room) return `${name}${suffix}`;
  // Keep the extension: the end of a name says as much as its start.
  const extension = /\.[^.]{1,8}$/.exec(name)?.[0] ?? '';
  return `${name.slice(0, room - extension.length - 1)}…${extension}${suffix}`;
}
