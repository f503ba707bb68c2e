import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { addUser, grantRole } from '../../src/app/accounts/users.ts';
import type { RoleName, ScopeKind } from '../../src/domain/people.ts';
import { operator } from '../../src/policies/actor.ts';
import type { Store } from '../../src/store/db.ts';

/** A password that passes the rules, for test accounts. */
export const testPassword = 'correct-limpet-harbour-93';

/** Adds a person with the test password and the given grants, as the operator would. */
export async function addPerson(
  store: Store,
  email: string,
  grants: readonly { role: RoleName; scopeKind: ScopeKind; scopeCode?: string | null }[] = [],
  clock: () => Date = () => new Date(),
): Promise<number> {
  const context = { db: store.db, actor: operator('test'), clock };
  const user = await addUser(context, { email, name: email.split('@')[0], password: testPassword });
  for (const grant of grants) await grantRole(context, { email, ...grant });
  return user.id;
}

/** The cookie header to send back, from a response's set-cookie headers. */
export function cookiesFrom(response: LightMyRequestResponse, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.split('=')[0], pair] as const),
  );
  for (const each of response.cookies) jar.set(each.name, `${each.name}=${each.value}`);
  return [...jar.values()].join('; ');
}

/** The CSRF token in a page's first form. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Signs in through the sign-in form (CSRF included) and returns the session cookie header. */
export async function signIn(app: FastifyInstance, email: string, password = testPassword): Promise<string> {
  const page = await app.inject('/sign-in');
  let cookie = cookiesFrom(page);
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: csrfTokenIn(page.body) }).toString(),
  });
  if (response.statusCode !== 303)
    throw new Error(`sign-in as ${email} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  cookie = cookiesFrom(response, cookie);
  return cookie;
}

/** A signed-in page fetch returning the body and a fresh CSRF token for forms on it. */
export async function getWithCsrf(
  app: FastifyInstance,
  url: string,
  cookie: string,
): Promise<{ body: string; csrf: string; statusCode: number }> {
  const response = await app.inject({ url, headers: { cookie } });
  return { body: response.body, csrf: csrfTokenIn(response.body), statusCode: response.statusCode };
}
