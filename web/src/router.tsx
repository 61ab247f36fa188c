/** A few routes under /app, on the History API: no router library to learn for five screens. */
import { useEffect, useState } from 'react';

export const BASE = '/app';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${to}`;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

/** The path inside /app ("/", "/send", "/transfers/…") and its query. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({ path: location.pathname.slice(BASE.length) || '/', query: new URLSearchParams(location.search) });
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const onPop = () => setCurrent(read());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return current;
}

export function Link(props: { to: string; children: React.ReactNode; className?: string; 'aria-current'?: 'page' | undefined }) {
  return (
    <a
      href={`${BASE}${props.to}`}
      className={props.className}
      aria-current={props['aria-current']}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
