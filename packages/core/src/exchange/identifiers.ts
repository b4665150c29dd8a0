/**
 * @module exchange/identifiers
 * The identifiers Catena-X payloads carry, derived from a keten network: business partner numbers
 * (BPNL of the company, BPNS of its site, BPNA of the site's address), material numbers (the
 * customer's and the supplier's), and the UUIDs the aspect models require. Everything here is
 * deterministic: the same network and content give the same numbers and ids on every node, so a
 * payload sent again is recognised as the same one (idempotent receipt), and no randomness is needed.
 *
 * Defaults when the network leaves a field out (documented in docs/formats.md and docs/exchange.md):
 * - BPNS / BPNA: `site.bpns` / `site.bpna`, else the company's `bpn` with `BPNL` replaced by `BPNS` /
 *   `BPNA` (a keten company is one site with one address);
 * - the customer's material number: the sourcing rule's `buyerPartNumber`, else the item id;
 * - the supplier's material number: the supplier line's `supplierPartNumber`, else the supplier's
 *   production `partNumber`, else the item id.
 */
import type { Company, Network, Production, Sourcing, SupplierShare } from '../model/schema.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import { sha256Hex } from '../store/sha256.ts';

/**
 * A name-based UUID (version 8) of `name`: SHA-256 of `keten:` + name, its first 128 bits with the
 * version and variant bits set. This is the construction of RFC 9562 (2024), section 5.8 and appendix
 * B.2 ("Example of a UUIDv8 Value (Name-Based)"), with a text namespace instead of a namespace UUID.
 * It fits the aspect models' UuidV4Trait, whose pattern asks for 8-4-4-4-12 hex digits only.
 *
 * @example
 * nameUuid('WeekBasedMaterialDemand|BPNL…|BPNL…|LS-300'); // 'xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx'
 */
export function nameUuid(name: string): string {
  const hex = sha256Hex(`keten:${name}`);
  // RFC 9562, 5.8: version 8 in bits 48-51; variant 0b10 in bits 64-65.
  const version = `8${hex.slice(13, 16)}`;
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}

/** A UUID of the canonical JSON (RFC 8785) of `content`: the same content, the same id. */
export function contentUuid(kind: string, content: unknown): string {
  return nameUuid(`${kind}|${canonicalJson(content)}`);
}

/** The 12 characters after a BPN's four-letter prefix. */
const bpnBody = (bpn: string): string => bpn.slice(4);

/** The site's BPNS: `site.bpns`, else derived from the company's BPNL; undefined without either. */
export function siteBpns(company: Company): string | undefined {
  if (company.site.bpns !== undefined) return company.site.bpns;
  return company.bpn === undefined ? undefined : `BPNS${bpnBody(company.bpn)}`;
}

/** The site's address BPNA: `site.bpna`, else derived from the company's BPNL; undefined without either. */
export function siteBpna(company: Company): string | undefined {
  if (company.site.bpna !== undefined) return company.site.bpna;
  return company.bpn === undefined ? undefined : `BPNA${bpnBody(company.bpn)}`;
}

/**
 * Lookups over one network that the builders and readers share: companies by id, BPNL and BPNS,
 * sourcing rules and production records by company and item. Built once per call; O(records).
 */
export class Directory {
  readonly companies = new Map<string, Company>();
  private readonly byBpn = new Map<string, Company>();
  private readonly bySite = new Map<string, Company>();
  private readonly rules = new Map<string, Sourcing>();
  private readonly records = new Map<string, Production>();
  readonly items: Map<string, Network['items'][number]>;

  constructor(readonly network: Network) {
    for (const company of network.companies) {
      this.companies.set(company.id, company);
      if (company.bpn !== undefined && !this.byBpn.has(company.bpn)) this.byBpn.set(company.bpn, company);
      const bpns = siteBpns(company);
      if (bpns !== undefined && !this.bySite.has(bpns)) this.bySite.set(bpns, company);
    }
    this.items = new Map(network.items.map((item) => [item.id, item]));
    for (const rule of network.sourcing ?? []) this.rules.set(key(rule.buyer, rule.item), rule);
    for (const record of network.production ?? []) this.records.set(key(record.company, record.item), record);
  }

  companyByBpn(bpn: string): Company | undefined {
    return this.byBpn.get(bpn);
  }

  companyBySite(bpns: string): Company | undefined {
    return this.bySite.get(bpns);
  }

  rule(buyer: string, item: string): Sourcing | undefined {
    return this.rules.get(key(buyer, item));
  }

  /** The supplier line of `supplier` in the buyer's rule for the item. */
  line(buyer: string, item: string, supplier: string): SupplierShare | undefined {
    return this.rule(buyer, item)?.suppliers.find((line) => line.supplier === supplier);
  }

  production(company: string, item: string): Production | undefined {
    return this.records.get(key(company, item));
  }

  /** The customer's material number for an item it buys: the rule's `buyerPartNumber`, else the item id. */
  customerMaterialNumber(customer: string, item: string): string {
    return this.rule(customer, item)?.buyerPartNumber ?? item;
  }

  /**
   * The supplier's material number for an item it sells to `customer`: the customer's supplier line's
   * `supplierPartNumber`, else the supplier's production `partNumber`, else the item id.
   */
  supplierMaterialNumber(customer: string, item: string, supplier: string): string {
    return (
      this.line(customer, item, supplier)?.supplierPartNumber ??
      this.production(supplier, item)?.partNumber ??
      item
    );
  }

  /**
   * The item a material number stands for between `customer` and `supplier`: the customer's number
   * matched against the customer's sourcing rules that list the supplier, else the supplier's number
   * matched against those rules and the supplier's production records. Undefined when nothing matches.
   */
  itemOf(
    customer: string,
    supplier: string,
    numbers: { readonly customer?: string | undefined; readonly supplier?: string | undefined },
  ): string | undefined {
    const candidates = (this.network.sourcing ?? []).filter(
      (rule) => rule.buyer === customer && rule.suppliers.some((line) => line.supplier === supplier),
    );
    if (numbers.customer !== undefined) {
      const found = candidates.find((rule) => (rule.buyerPartNumber ?? rule.item) === numbers.customer);
      if (found !== undefined) return found.item;
    }
    if (numbers.supplier !== undefined) {
      const found = candidates.find(
        (rule) => this.supplierMaterialNumber(customer, rule.item, supplier) === numbers.supplier,
      );
      if (found !== undefined) return found.item;
      for (const record of this.network.production ?? []) {
        if (record.company === supplier && (record.partNumber ?? record.item) === numbers.supplier)
          return record.item;
      }
    }
    return undefined;
  }

  /** The Catena-X part type twin id of the supplier's material: derived from its BPNL and number. */
  materialTwinId(customer: string, item: string, supplier: string): string | undefined {
    const bpn = this.companies.get(supplier)?.bpn;
    if (bpn === undefined) return undefined;
    return `urn:uuid:${nameUuid(`material|${bpn}|${this.supplierMaterialNumber(customer, item, supplier)}`)}`;
  }
}

const key = (company: string, item: string): string => `${company}\u0000${item}`;
