/**
 * The marker the offline plan wraps around every value the program marked secret, and the text it
 * shows instead. A plain module (no Pulumi SDK) because the plan tool writes the marker and the
 * policy pack reads it: neither imports the other.
 */

export const REDACTED = "[secret]";

// A global symbol, not `instanceof`: test helpers load the engine in isolated module registries,
// so a Secret made by one copy of this module must still be recognised by another.
const brand = Symbol.for("home-platform.plan.secret");

/** A value the program marked secret. Printing or JSON-encoding it never shows the value. */
export class Secret {
  readonly [brand] = true;
  constructor(readonly value: unknown) {}
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}

export function isSecret(value: unknown): value is Secret {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
