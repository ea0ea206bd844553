// Power-cut fault plans for SimFlash and the exception a cut raises.
// See docs/simulator.md "Fault plans" for the exact semantics.

export type OpKind = "read" | "program" | "erase";

/**
 * Where the cut falls relative to operation N:
 * - "before": op N never reaches the part (flash = state after N-1 ops);
 * - "during": op N is torn (program: a PRNG-chosen subset of its 1->0 bits
 *   land; erase: a PRNG-chosen mix of old and erased bits, plus optional
 *   unstable bits);
 * - "after": op N completes, then power drops before the caller sees success.
 */
export type CutTiming = "before" | "during" | "after";

export interface FaultPlan {
  /** 1-based index of the counted operation to cut, counted from when the plan is armed. */
  readonly op: number;
  readonly timing: CutTiming;
  /** Seeds the PRNG that decides torn bits; same seed, same state, same ops -> same result. Default 0. */
  readonly seed?: number;
  /** Count reads as operations too (default false: only program and erase count). */
  readonly countReads?: boolean;
  /** On a torn erase, how many bit positions of the sector (drawn with repetition) become unstable. Default 0. */
  readonly unstableBits?: number;
}

/** Checks a plan and fills defaults; throws RangeError for a plan that could never make sense. */
export function normalizePlan(plan: FaultPlan): Required<FaultPlan> {
  if (!Number.isInteger(plan.op) || plan.op < 1) {
    throw new RangeError(`fault plan: op must be an integer >= 1, got ${plan.op}`);
  }
  if (plan.timing !== "before" && plan.timing !== "during" && plan.timing !== "after") {
    throw new RangeError(`fault plan: unknown timing ${String(plan.timing)}`);
  }
  const unstableBits = plan.unstableBits ?? 0;
  if (!Number.isInteger(unstableBits) || unstableBits < 0) {
    throw new RangeError(`fault plan: unstableBits must be an integer >= 0, got ${unstableBits}`);
  }
  return {
    op: plan.op,
    timing: plan.timing,
    seed: (plan.seed ?? 0) >>> 0,
    countReads: plan.countReads ?? false,
    unstableBits,
  };
}

/**
 * Thrown by SimFlash when power is cut, and by every call after that until
 * powerOn(). `abortsCore` makes bindings/core.ts rethrow it instead of turning
 * it into a flash fault: a power cut ends the whole core call, as on a device.
 */
export class PowerCut extends Error {
  readonly abortsCore = true;

  constructor(
    /** 1-based index (since the plan was armed) of the operation that was cut. */
    readonly op: number,
    /** Kind of the operation that was cut. */
    readonly kind: OpKind,
    readonly timing: CutTiming,
    /** The call that raised this one: the cut op itself, or a later call on the dead part. */
    readonly attempted: OpKind,
    /** True when raised by a call made after the cut (the part is still off). */
    readonly dead: boolean,
  ) {
    super(
      dead
        ? `flash is powered off (cut ${timing} ${kind} #${op}); ${attempted} refused until powerOn()`
        : `power cut ${timing} ${kind} #${op}`,
    );
    this.name = "PowerCut";
  }
}
