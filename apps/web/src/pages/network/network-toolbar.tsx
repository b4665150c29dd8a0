/**
 * @module pages/network/network-toolbar
 * Above the map and the graph: search a company by name or id (results are buttons that show it in
 * the view, and links to its page), and filters by tier, region and item, kept in the query string so
 * a link or a reload keeps them. Also the figures of what is shown.
 */
import { useId, useMemo, useState } from 'react';
import { count, tierName } from '../../components/format.ts';
import { Link, navigate, pathTo, useLocation } from '../../router.tsx';
import { type GraphFilter, type LoadedGraph, searchCompanies } from './use-network-graph.ts';

/** Up to this many items the filter is a list; above, a field that suggests items as you type. */
const ITEMS_IN_A_LIST = 300;

export interface ToolbarProps {
  readonly loaded: LoadedGraph;
  readonly filter: GraphFilter;
  /** Shows a company in the view (search result chosen). */
  readonly onShow: (company: number) => void;
  readonly shown: { readonly companies: number; readonly lanes: number };
}

export function NetworkToolbar({ loaded, filter, onShow, shown }: ToolbarProps) {
  const { pathname, search } = useLocation();
  const [query, setQuery] = useState('');
  const id = useId();
  const { graph } = loaded;
  const results = useMemo(() => searchCompanies(loaded, query), [loaded, query]);
  const itemOptions = useMemo(
    () =>
      graph.items.length <= ITEMS_IN_A_LIST
        ? [...graph.items].sort((a, b) => a.name.localeCompare(b.name))
        : [],
    [graph.items],
  );

  const setFilter = (key: keyof GraphFilter, value: string) => {
    const next = new URLSearchParams(search);
    if (value === '') next.delete(key);
    else next.set(key, value);
    const text = next.toString();
    navigate(text === '' ? pathname : `${pathname}?${text}`, { replace: true });
  };

  return (
    <div className="toolbar">
      <form className="toolbar-search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={`${id}-search`}>Find a company</label>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="name or id"
          value={query}
          autoComplete="off"
          onChange={(event) => setQuery(event.target.value)}
        />
        {query.trim() === '' ? null : (
          <div className="search-results" aria-live="polite">
            {results.length === 0 ? <p className="muted">No company matches “{query}”.</p> : null}
            <ul aria-label="Companies found">
              {results.map((index) => (
                <li key={graph.companies.id[index]}>
                  <button
                    type="button"
                    className="button-quiet"
                    onClick={() => {
                      setQuery('');
                      onShow(index);
                    }}
                  >
                    Show {graph.companies.name[index]}
                  </button>{' '}
                  <Link
                    to={pathTo('/networks/:name/companies/:company', {
                      name: graph.network,
                      company: graph.companies.id[index]!,
                    })}
                  >
                    page
                  </Link>{' '}
                  <span className="muted">
                    {tierName(graph.companies.tier[index]!)}, {graph.companies.country[index]}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </form>
      <div className="toolbar-filters">
        <label>
          Tier
          <select value={filter.tier ?? ''} onChange={(event) => setFilter('tier', event.target.value)}>
            <option value="">all</option>
            {loaded.tiers.map((tier) => (
              <option key={String(tier)} value={tier === null ? 'none' : String(tier)}>
                {tierName(tier)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <select value={filter.region ?? ''} onChange={(event) => setFilter('region', event.target.value)}>
            <option value="">all</option>
            {graph.regions.map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </select>
        </label>
        {graph.items.length <= ITEMS_IN_A_LIST ? (
          <label>
            Item
            <select value={filter.item ?? ''} onChange={(event) => setFilter('item', event.target.value)}>
              <option value="">all</option>
              {itemOptions.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <ItemSearch loaded={loaded} item={filter.item} onItem={(item) => setFilter('item', item)} />
        )}
        <p className="toolbar-figures" aria-live="polite">
          {count(shown.companies, 'company', 'companies')} of{' '}
          {count(graph.companies.id.length, 'company', 'companies')}, {count(shown.lanes, 'lane')}
        </p>
      </div>
    </div>
  );
}

/** The item filter of a large network: type a name or id, pick from up to 20 suggestions. */
function ItemSearch({
  loaded,
  item,
  onItem,
}: {
  readonly loaded: LoadedGraph;
  readonly item: string | undefined;
  readonly onItem: (item: string) => void;
}) {
  const { items } = loaded.graph;
  const id = useId();
  const current = items.find((candidate) => candidate.id === item);
  const [text, setText] = useState(current === undefined ? '' : `${current.name} (${current.id})`);
  const suggestions = useMemo(() => {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const found: (typeof items)[number][] = [];
    for (const candidate of items) {
      const haystack = `${candidate.name} (${candidate.id})`.toLowerCase();
      if (words.every((word) => haystack.includes(word))) found.push(candidate);
      if (found.length === 20) break;
    }
    return found;
  }, [items, text]);
  const choose = (value: string) => {
    setText(value);
    if (value.trim() === '') onItem('');
    const chosen = items.find(
      (candidate) => `${candidate.name} (${candidate.id})` === value || candidate.id === value,
    );
    if (chosen !== undefined) onItem(chosen.id);
  };
  return (
    <label>
      Item ({count(items.length, 'item')}: type to find)
      <input
        list={`${id}-items`}
        value={text}
        placeholder="all"
        onChange={(event) => choose(event.target.value)}
      />
      <datalist id={`${id}-items`}>
        {suggestions.map((candidate) => (
          <option key={candidate.id} value={`${candidate.name} (${candidate.id})`} />
        ))}
      </datalist>
    </label>
  );
}
