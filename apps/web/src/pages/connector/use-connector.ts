/**
 * @module pages/connector/use-connector
 * Whether this node is a company node (it has a connector): `GET /health` says so in `connector`
 * (public, answered by every node, so no failed request shows in the console of a node without one).
 * Asked once per page load; `undefined` while asking.
 */
import { useEffect, useState } from 'react';

let asked: Promise<boolean> | undefined;

function askOnce(): Promise<boolean> {
  asked ??= fetch('/health', { headers: { accept: 'application/json' } }).then(
    async (response) => {
      const body = (await response.json().catch(() => undefined)) as { connector?: unknown } | undefined;
      return body?.connector === true;
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
