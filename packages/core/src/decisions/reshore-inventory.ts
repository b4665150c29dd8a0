/**
 * @module decisions/reshore-inventory
 * The inventory a sourcing location ties up because of its lead time: the pipeline (goods paid for and
 * on their way) and the safety stock that covers demand and lead-time variability at a cycle service
 * level. Also the standard normal quantile the safety factor comes from. Pure arithmetic; the formulas'
 * sources are next to them and in `docs/reshoring.md`.
 */

/**
 * The standard normal quantile Φ⁻¹(p) for 0 < p < 1: Wichura's Algorithm AS 241 (PPND16), accurate to
 * about 1e-16 (M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
 * Applied Statistics 37(3), 1988, 477–484; the same coefficients as Python's `statistics.NormalDist`).
 * Throws a RangeError outside (0, 1): a service level of 0 or 1 has no safety factor.
 *
 * @example normalQuantile(0.95) // 1.6448536269514722
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`the normal quantile needs 0 < p < 1, got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const num =
      (((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
        r +
        13731.69376550946) *
        r +
        1971.5909503065513) *
        r +
        133.14166789178438) *
        r +
        3.3871328727963665) *
      q;
    const den =
      ((((((5226.495278852854 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
      1;
    return num / den;
  }
  let r = Math.sqrt(-Math.log(q <= 0 ? p : 1 - p));
  let num: number;
  let den: number;
  if (r <= 5) {
    r -= 1.6;
    num =
      ((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
      1.4234371107496835;
    den =
      ((((((1.0507500716444169e-9 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
      1;
  } else {
    r -= 5;
    num =
      ((((((2.0103343992922881e-7 * r + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
      6.657904643501103;
    den =
      ((((((2.0442631033899397e-15 * r + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
      1;
  }
  const x = num / den;
  return q < 0 ? -x : x;
}

/** What the safety stock of one location is made of. */
export interface SafetyStock {
  /** z = Φ⁻¹(cycle service level). */
  readonly safetyFactor: number;
  /** σ of demand over the lead time, in units: sqrt(L σd² + d² σL²). */
  readonly leadTimeDemandStdDev: number;
  /** z × that, in units. */
  readonly units: number;
}

/**
 * Safety stock for a cycle service level when both demand per period and the lead time vary,
 * independently and normally: SS = z · sqrt(L · σd² + d² · σL²), with d and σd the mean and standard
 * deviation of demand per period, L and σL those of the lead time in the same periods, z = Φ⁻¹(CSL).
 * Source: S. Chopra and P. Meindl, *Supply Chain Management: Strategy, Planning, and Operation*,
 * chapter "Managing Uncertainty in a Supply Chain: Safety Inventory", section "Impact of supply
 * uncertainty on safety inventory" (the Dell example: d = 2,500, σd = 500 a day, L = 7 days, σL = 7 days,
 * CSL 0.90 gives σ = 17,550 and SS = 22,491 units; the test reproduces it); also E. A. Silver, D. F.
 * Pyke and R. Peterson, *Inventory Management and Production Planning and Scheduling* (3rd ed., 1998),
 * §7.11.
 *
 * @example safetyStock({ demandMean: 2500, demandStdDev: 500, leadTime: 7, leadTimeStdDev: 7, serviceLevel: 0.9 }).units // ≈ 22,491
 */
export function safetyStock(input: {
  readonly demandMean: number;
  readonly demandStdDev: number;
  readonly leadTime: number;
  readonly leadTimeStdDev: number;
  readonly serviceLevel: number;
}): SafetyStock {
  const safetyFactor = normalQuantile(input.serviceLevel);
  const leadTimeDemandStdDev = Math.sqrt(
    input.leadTime * input.demandStdDev ** 2 + input.demandMean ** 2 * input.leadTimeStdDev ** 2,
  );
  return { safetyFactor, leadTimeDemandStdDev, units: safetyFactor * leadTimeDemandStdDev };
}

/**
 * Units in the pipeline on average: demand per period × lead time in periods (Little's law: the
 * quantity in a system is its throughput times the time spent in it; J. D. C. Little, "A proof for the
 * queuing formula L = λW", Operations Research 9(3), 1961, 383–387).
 */
export function pipelineUnits(demandPerPeriod: number, leadTime: number): number {
  return demandPerPeriod * leadTime;
}
