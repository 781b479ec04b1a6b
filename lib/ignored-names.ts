/**
 * Which names in the inbox are not (yet) input: hidden files, and the temporary or partial
 * files editors, browsers, downloaders and `rsync` write before renaming to the final name.
 */
const TEMPORARY_SUFFIXES = [
  '~',
  '.tmp',
  '.temp',
  '.part',
  '.partial',
  '.crdownload',
  '.download',
  '.swp',
  '.swx',
];

export function isIgnoredName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith('.') || // hidden, incl. rsync's `.name.XXXXXX` and our own writes
    lower.startsWith('~$') || // office lock files
    (lower.startsWith('#') && lower.endsWith('#')) || // emacs autosave
    TEMPORARY_SUFFIXES.some((suffix) => lower.endsWith(suffix))
  );
}
