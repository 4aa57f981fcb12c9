// One record a drawer shows, loaded from `path` (none while it is null): loaded again when the path changes or on
// load(); an answer that arrives after a newer request started is dropped, so a quick switch never shows the old one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from './api';

export function useDetail<T>(path: string | null) {
  const [detail, setDetail] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const load = useCallback(async () => {
    if (!path) return;
    const mine = ++seq.current;
    setLoading(true);
    try {
      const d = await api<T>(path);
      if (mine !== seq.current) return;
      setDetail(d);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    setDetail(null);
    setError(null);
    void load();
  }, [load]);

  return { detail, setDetail, error, loading, load };
}
