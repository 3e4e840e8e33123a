// Keeps the run status fresh: every second while a run is going, every few seconds otherwise, so a
// scheduled run shows up (and History refreshes) without a reload.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from './api.js';

const ACTIVE_MS = 1000;
const IDLE_MS = 5000;

export function useRunStatus({ enabled, onError }) {
  const [status, setStatus] = useState(null);
  const timer = useRef(null);
  const alive = useRef(true);

  const refresh = useCallback(async () => {
    clearTimeout(timer.current);
    try {
      const next = await call('runStatus');
      if (!alive.current) return;
      setStatus(next);
      timer.current = setTimeout(refresh, next.active ? ACTIVE_MS : IDLE_MS);
    } catch (error) {
      onError(error);
      // A lost answer is no reason to stop watching; a refusal unmounts the page and ends this.
      if (alive.current) timer.current = setTimeout(refresh, IDLE_MS);
    }
  }, [onError]);

  useEffect(() => {
    alive.current = true;
    if (enabled) refresh();
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, [enabled, refresh]);

  return { status, refresh };
}
