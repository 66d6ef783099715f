/**
 * People (admin): who may sign in with the identity provider and with which role. A change takes
 * effect on the person's next request: the list is read on every request that needs it, never
 * cached (functions/src/oidc.ts). `GET /identity` (public) tells the dashboard which provider to
 * offer on its sign-in page.
 */
import { z } from 'zod';
import { IdentityConfig, Person, PersonCreate, PersonUpdate } from '../../../shared/people';
import { fieldChanges } from '../../../shared/audit';
import { recordAudit } from '../audit/record';
import { conflict, notFound } from '../errors';
import { endpoint, type Router } from '../http';
import { personId, peopleView } from '../store/people-store';

export function peopleRoutes(r: Router) {
  const tags = ['People'];
  endpoint(r, { method: 'get', path: '/people', summary: 'Who has access: the people list, people seen with a role from the groups claim, and SEXTANT_ADMIN_EMAILS', tags, auth: 'admin', responses: { 200: { description: 'People, by email', schema: z.array(Person) } } }, async (c) => {
    const s = c.get('services');
    return c.json(peopleView(await s.people.all(), s.config.SEXTANT_ADMIN_EMAILS));
  });
  endpoint(
    r,
    { method: 'post', path: '/people', summary: 'Invite a person by email with a role (they sign in with the identity provider)', tags, auth: 'admin', body: PersonCreate, errors: { 409: 'The email is already on the people list' }, responses: { 201: { description: 'The person', schema: Person } } },
    async (c, { body }) => {
      const s = c.get('services');
      const created = await s.people.create(body.email, body.role);
      if (!created) throw conflict(`${body.email} is already on the people list: change their role instead`);
      await recordAudit(c, { action: 'person.invite', target: { type: 'person', id: created.id }, changes: fieldChanges(null, { email: created.email, role: created.role }) });
      return c.json({ ...created, source: 'people' as const } satisfies Person, 201);
    },
  );
  endpoint(
    r,
    { method: 'patch', path: '/people/:id', summary: "Change a person's role (effective on their next request)", tags, auth: 'admin', body: PersonUpdate, errors: { 409: 'The email sent is not this person’s' }, responses: { 200: { description: 'The person', schema: Person } } },
    async (c, { body, params }) => {
      const s = c.get('services');
      if (body.email && personId(body.email) !== params.id) throw conflict(`${body.email} is not the email of person "${params.id}"`);
      const changed = await s.people.setRole(params.id, body.role);
      if (!changed) throw notFound('person', params.id);
      await recordAudit(c, { action: 'person.update', target: { type: 'person', id: params.id }, changes: fieldChanges({ role: changed.before.role }, { role: changed.after.role }), summary: changed.after.email });
      return c.json({ ...changed.after, source: 'people' as const } satisfies Person);
    },
  );
  endpoint(r, { method: 'delete', path: '/people/:id', summary: 'Remove a person from the people list (effective on their next request)', tags, auth: 'admin', responses: { 200: { description: 'The removed person', schema: Person } } }, async (c, { params }) => {
    const removed = await c.get('services').people.remove(params.id);
    if (!removed) throw notFound('person', params.id);
    await recordAudit(c, { action: 'person.remove', target: { type: 'person', id: params.id }, changes: fieldChanges({ email: removed.email, role: removed.role }, null) });
    return c.json({ ...removed, source: 'people' as const } satisfies Person);
  });
  endpoint(r, { method: 'get', path: '/identity', summary: 'The identity provider the dashboard signs in with (null when none is configured)', tags, auth: 'public', responses: { 200: { description: 'Sign-in options', schema: IdentityConfig } } }, (c) => {
    const cfg = c.get('services').config;
    const oidc = cfg.SEXTANT_OIDC_ISSUER && cfg.SEXTANT_OIDC_CLIENT_ID
      ? { issuer: cfg.SEXTANT_OIDC_ISSUER, clientId: cfg.SEXTANT_OIDC_CLIENT_ID, scopes: cfg.SEXTANT_OIDC_SCOPES.split(/\s+/).filter(Boolean), providerName: cfg.SEXTANT_OIDC_PROVIDER_NAME ?? new URL(cfg.SEXTANT_OIDC_ISSUER).host, ...(cfg.SEXTANT_OIDC_LOGOUT_URL ? { logoutUrl: cfg.SEXTANT_OIDC_LOGOUT_URL } : {}) }
      : null;
    return c.json({ oidc } satisfies IdentityConfig);
  });
}
