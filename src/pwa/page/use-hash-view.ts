import { useEffect, useState } from 'preact/hooks';
import { type View, viewFromHash } from './routes';

/** The current view, following the URL hash (links, back button, deep links). */
export function useHashView(): View {
  const [view, setView] = useState(() => viewFromHash(location.hash));
  useEffect(() => {
    const onHash = () => {
      setView(viewFromHash(location.hash));
      scrollTo(0, 0);
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return view;
}
