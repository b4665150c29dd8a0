/**
 * @module pages/connector/use-connector
 * Whether this node is a company node (it has a connector): its public
 * `/.well-known/dspace-version` answers (DSP 2025-1 §4.3, at the host's root on every node). Asked
 * once per page load; `undefined` while asking.
 */
import { useEffect, useState } from 'react';

let asked: Promise<boolean> | undefined;

function askOnce(): Promise<boolean> {
  asked ??= fetch('/.well-known/dspace-version', { headers: { accept: 'application/json' } }).then(
    async (response) => {
      if (!response.ok) return false;
      const body = (await response.json().catch(() => undefined)) as
        | { protocolVersions?: unknown }
        | undefined;
      return Array.isArray(body?.protocolVersions);
    },
    () => false,
  );
  return asked;
}

export function useHasConnector(): boolean | undefined {
  const [has, setHas] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void askOnce().then((value) => {
      if (live) setHas(value);
    });
    return () => {
      live = false;
    };
  }, []);
  return has;
}
