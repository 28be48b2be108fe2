/** "just now", "5 minutes ago", or a date for anything older than a day. */
export function timeAgo(at: number, now = Date.now()): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return new Date(at).toLocaleString();
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/** "0 bytes", "512 bytes", "1.5 KB", "12 MB": binary multiples, one decimal under ten. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte');
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value).toString();
  return `${shown} ${BYTE_UNITS[unit]}`;
}

/** "1,000 of about 10,000": a pull's total is the server's estimate until the feed ends. */
export function progressText(progress: { done: number; total: number; estimated?: boolean }) {
  if (progress.total === 0) return 'Checking for changes…';
  const done = progress.done.toLocaleString('en');
  const total = progress.total.toLocaleString('en');
  return progress.estimated ? `${done} of about ${total}` : `${done} of ${total}`;
}
