/** A moment as people read it: local date and time, and how long ago. Raw ISO text is for machines. */
export function whenText(iso: string, now = new Date()): string | undefined {
  const at = new Date(iso);
  if (typeof iso !== 'string' || Number.isNaN(at.getTime())) return undefined;
  const local = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `${local} (${timeAgo(at, now)})`;
}

const UNITS: [number, string][] = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** "just now", "3 minutes ago", "2 days ago"; a clock that runs behind the file gives "just now", not a negative age. */
export function timeAgo(at: Date, now = new Date()): string {
  const seconds = Math.floor((now.getTime() - at.getTime()) / 1000);
  for (const [size, name] of UNITS) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}
