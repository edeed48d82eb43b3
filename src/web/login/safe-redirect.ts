/**
 * The local path to go to after sign-in. Only same-origin paths pass: an absolute URL,
 * a protocol-relative `//host`, a backslash trick (`/\host`) or control characters fall back to `/`.
 */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if ([...next].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return fallback;
  try {
    const resolved = new URL(next, 'http://relabel.invalid');
    if (resolved.origin !== 'http://relabel.invalid') return fallback;
    if (resolved.pathname === '/login' || resolved.pathname === '/logout') return fallback;
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return fallback;
  }
}
