/** Role mapping for people signed in with an identity provider (shared/people.ts), the People page's merge, and the identity configuration. */
import { describe, expect, it } from 'vitest';
import { claimAt, normalizeEmail, parseRoleValues, PersonCreate, roleFromClaim } from '../../shared/people';
import { loadConfig } from '../../functions/src/config';
import { emailVerified, looksLikeJwt } from '../../functions/src/oidc';
import { peopleView, personId } from '../../functions/src/store/people-store';

const DEFAULT = parseRoleValues('admin=sextant-admin,editor=sextant-editor,viewer=sextant-viewer');

describe('roles from a claim', () => {
  it('parses role=value pairs, several values per role allowed, and refuses others', () => {
    const m = parseRoleValues('admin=Sextant.Admin, editor=Sextant.Editor,editor=pm-team ,viewer=everyone');
    expect([...m]).toEqual([
      ['Sextant.Admin', 'admin'],
      ['Sextant.Editor', 'editor'],
      ['pm-team', 'editor'],
      ['everyone', 'viewer'],
    ]);
    expect(() => parseRoleValues('owner=x')).toThrow(/not a role/);
    expect(() => parseRoleValues('admin')).toThrow(/not role=value/);
    expect(() => parseRoleValues('admin=')).toThrow(/empty value/);
  });

  it('takes the highest role among the values, from an array or a separated string, exact match only', () => {
    expect(roleFromClaim(['everyone', 'sextant-viewer', 'sextant-editor'], DEFAULT)).toBe('editor');
    expect(roleFromClaim(['sextant-admin', 'sextant-viewer'], DEFAULT)).toBe('admin');
    expect(roleFromClaim('sextant-viewer sextant-editor', DEFAULT)).toBe('editor');
    expect(roleFromClaim('sextant-viewer,sextant-admin', DEFAULT)).toBe('admin');
    expect(roleFromClaim(['Sextant-Admin', 'sextant-admins'], DEFAULT)).toBeUndefined();
    expect(roleFromClaim(undefined, DEFAULT)).toBeUndefined();
    expect(roleFromClaim({ admin: true }, DEFAULT)).toBeUndefined();
    expect(roleFromClaim([1, null, 'sextant-viewer'], DEFAULT)).toBe('viewer');
  });

  it('reads a claim by name, a colon name as is, a dotted name nested', () => {
    expect(claimAt({ 'cognito:groups': ['a'] }, 'cognito:groups')).toEqual(['a']);
    expect(claimAt({ realm_access: { roles: ['r'] } }, 'realm_access.roles')).toEqual(['r']);
    expect(claimAt({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    expect(claimAt({ a: 'x' }, 'a.b')).toBeUndefined();
  });
});

describe('people', () => {
  it('normalises emails and derives one id per email', () => {
    expect(normalizeEmail('  Ana@Fabrikam.Example ')).toBe('ana@fabrikam.example');
    expect(personId('Ana@Fabrikam.example')).toBe(personId('ana@fabrikam.example'));
    expect(personId('ana@fabrikam.example')).not.toBe(personId('bob@fabrikam.example'));
    expect(personId('ana@fabrikam.example')).toMatch(/^per_[0-9a-f]{20}$/);
    expect(PersonCreate.parse({ email: ' Ana@Fabrikam.example', role: 'viewer' }).email).toBe('ana@fabrikam.example');
    expect(PersonCreate.safeParse({ email: 'ana', role: 'viewer' }).success).toBe(false);
  });

  it('merges the list, people seen through the groups claim and the admin emails, each once', () => {
    const t = '2026-11-01T00:00:00.000Z';
    const view = peopleView(
      {
        listed: [
          { id: personId('pat@x.example'), email: 'pat@x.example', role: 'editor', createdAt: t },
          { id: personId('root@x.example'), email: 'root@x.example', role: 'viewer', createdAt: t },
        ],
        seen: [
          { id: personId('eve@x.example'), email: 'eve@x.example', name: 'Eve', role: 'viewer', source: 'claim', lastSeenAt: t },
          { id: personId('pat@x.example'), email: 'pat@x.example', role: 'editor', source: 'people', lastSeenAt: t },
          // seen while on the list, since removed: not shown
          { id: personId('gone@x.example'), email: 'gone@x.example', role: 'viewer', source: 'people', lastSeenAt: t },
        ],
      },
      ['root@x.example', 'boss@x.example'],
    );
    expect(view.map((p) => [p.email, p.role, p.source, p.lastSeenAt ?? null])).toEqual([
      ['boss@x.example', 'admin', 'admin_email', null],
      ['eve@x.example', 'viewer', 'claim', t],
      ['pat@x.example', 'editor', 'people', t],
      ['root@x.example', 'admin', 'admin_email', null],
    ]);
  });
});

describe('identity configuration', () => {
  it('needs the issuer and the client id together, https (http only on this machine)', () => {
    expect(() => loadConfig({ SEXTANT_OIDC_ISSUER: 'https://login.example.com' })).toThrow(/SEXTANT_OIDC_CLIENT_ID: SEXTANT_OIDC_ISSUER and SEXTANT_OIDC_CLIENT_ID go together/);
    expect(() => loadConfig({ SEXTANT_OIDC_CLIENT_ID: 'x' })).toThrow(/SEXTANT_OIDC_ISSUER:/);
    expect(() => loadConfig({ SEXTANT_OIDC_ISSUER: 'http://login.example.com', SEXTANT_OIDC_CLIENT_ID: 'x' })).toThrow(/must be https/);
    expect(() => loadConfig({ SEXTANT_OIDC_ROLE_VALUES: 'boss=x' })).toThrow(/SEXTANT_OIDC_ROLE_VALUES: "boss" is not a role/);
    const c = loadConfig({ SEXTANT_OIDC_ISSUER: 'http://127.0.0.1:4000/', SEXTANT_OIDC_CLIENT_ID: 'x', SEXTANT_ADMIN_EMAILS: 'A@X.example, b@x.example,' });
    expect(c.SEXTANT_OIDC_ISSUER).toBe('http://127.0.0.1:4000');
    expect(c.SEXTANT_ADMIN_EMAILS).toEqual(['a@x.example', 'b@x.example']);
    expect(c.SEXTANT_OIDC_ROLES_CLAIM).toBe('groups');
  });

  it('trusts an email only when the provider says it is verified', () => {
    expect(emailVerified({ email_verified: true })).toBe(true);
    expect(emailVerified({ email_verified: 'true' })).toBe(true);
    expect(emailVerified({ email_verified: false })).toBe(false);
    expect(emailVerified({ email_verified: 'false', xms_edov: true })).toBe(false);
    expect(emailVerified({})).toBe(false);
    expect(emailVerified({ xms_edov: true })).toBe(true);
    expect(emailVerified({ xms_edov: false })).toBe(false);
  });

  it('tells a JWT from a Sextant key by its shape', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.')).toBe(true);
    expect(looksLikeJwt('sx_adm_0123456789abcdefABCDEF0123456789abcdefAB')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a+b.c.d')).toBe(false);
  });
});
