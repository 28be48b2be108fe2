/**
 * The sign-in page's address comes from the server: a javascript: or data: URL opened from this
 * page would run with the app's origin, so only web addresses are ever opened.
 */
export function isWebUrl(url: string): boolean {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol === 'https:' || protocol === 'http:') return true;
  console.error('Satchel: refusing to open a sign-in address that is not a web address');
  return false;
}
