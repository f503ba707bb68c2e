import { isUtf8 } from 'node:buffer';

/**
 * Checks made on a request's address before it is routed: whether it can be read at all, and
 * whether it counts against the rate limit. Pure functions of the raw address (`request.url`).
 */

/** The longest part of a path Tend routes (between two slashes); no code or id comes near it. */
export const longestPathSegment = 1000;

/**
 * Why a raw request address cannot be read, or undefined when it can: a `%` not followed by two
 * hexadecimal digits, percent-escapes that do not spell UTF-8 text (`%FF`, `%C0%80`), or a path
 * segment longer than `longestPathSegment` characters. The message names the fault without
 * repeating the address.
 */
export function urlProblem(url: string): string | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.split('/').some((segment) => segment.length > longestPathSegment))
    return `The address has a part longer than ${longestPathSegment} characters, which Tend does not accept.`;
  if (!url.includes('%') && isAscii(url)) return undefined;
  const bytes: number[] = [];
  for (let index = 0; index < url.length; index++) {
    const code = url.charCodeAt(index);
    if (code === 0x25) {
      const hex = url.slice(index + 1, index + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        return 'The address is not valid: a % in it is not followed by two hexadecimal digits.';
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      const character = String.fromCodePoint(url.codePointAt(index) as number);
      bytes.push(...Buffer.from(character, 'utf8'));
      index += character.length - 1;
    }
  }
  if (!isUtf8(Buffer.from(bytes)))
    return 'The address is not valid: its percent-escapes do not spell UTF-8 text.';
  return undefined;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

/** Addresses the rate limit does not count: health checks (load balancers call them often) and static files. */
const unlimitedPaths = new Set(['/health', '/health/ready']);
const unlimitedPrefixes = ['/assets/', '/nhsuk-assets/', '/static/'];

/** Whether a request to `url` is left out of the rate limit. */
export function outsideRateLimit(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return unlimitedPaths.has(path) || unlimitedPrefixes.some((prefix) => path.startsWith(prefix));
}

/** The methods Tend's router knows; a wrong one on a known address is answered 405 with these in `Allow`. */
export const routedMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
