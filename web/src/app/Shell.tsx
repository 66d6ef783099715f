/** The app shell: brand, primary navigation, who is signed in, and the page. */
import { Link, useLocation } from '@tanstack/react-router';
import { useEffect, useRef, type ReactNode } from 'react';
import { Badge } from '../components/Badge';
import { BrandMark } from '../components/BrandMark';
import { SCOPES } from '../lib/domain';
import type { Role } from '../../../shared/keys';
import { useSession } from './session';

export interface NavItem {
  id: string;
  label: string;
  to: string;
  icon: string;
  /** shown only from this role up */
  role?: Role;
}

/** `nav`: the menu (from the route table); `active`: the item lit. Links preload their page on hover or focus. */
export function Shell({ active, nav, children }: { active: string | null; nav: NavItem[]; children: ReactNode }) {
  const { me, signOut, can } = useSession();
  const pathname = useLocation({ select: (l) => l.pathname });
  const first = useRef(true);

  // after a client-side navigation to another page, start at its top and move focus to its title for screen readers
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo({ top: 0 });
    // the page may still be loading (lazy chunk, data): try for up to two seconds
    let tries = 0;
    const t = window.setInterval(() => {
      const h = document.querySelector<HTMLElement>('main [data-page-title]');
      if (h || ++tries > 20) window.clearInterval(t);
      h?.focus({ preventScroll: true });
    }, 100);
    return () => window.clearInterval(t);
  }, [pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/impact" className="brand" aria-label="Sextant home">
            <BrandMark size={26} fill="currentColor" />
            <span className="brand__name">Sextant</span>
          </Link>
          <nav className="nav" aria-label="Main">
            <ul>
              {nav.filter((item) => !item.role || can(item.role)).map((item) => (
                <li key={item.id}>
                  <Link
                    to={item.to as '/impact'}
                    className={`nav__link ${active === item.id ? 'is-active' : ''}`}
                    aria-current={active === item.id ? 'page' : undefined}
                  >
                    <span className="nav__icon" aria-hidden="true">
                      {item.icon}
                    </span>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {me && (
            <div className="who">
              <span className="who__name" title={me.email ?? `Key ${me.prefix}…`}>
                {me.name}
              </span>
              <Badge tone={me.scope === 'admin' ? 'info' : me.scope === 'editor' ? 'good' : 'neutral'} title={SCOPES[me.scope].help}>
                {SCOPES[me.scope].label}
              </Badge>
              <button type="button" className="button button--ghost button--small" onClick={() => signOut()}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
