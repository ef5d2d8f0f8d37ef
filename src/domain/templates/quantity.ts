import { accepted, rejectedWith, type GrammarResult } from "./grammar.ts";

/**
 * The Kubernetes resource quantity grammar of k8s.io/apimachinery `resource.ParseQuantity`:
 *   <quantity> ::= <sign>? <number> <suffix>
 *   <number>   ::= <digits> | <digits> "." <digits>? | "." <digits>
 *   <suffix>   ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | (e|E) <sign>? <digits>
 */
const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
const NON_ZERO_DIGIT = /[1-9]/;

const ACCEPTED =
  "a Kubernetes quantity: a number with an optional suffix Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or an exponent such as e9, e.g. \"2Gi\"";

/**
 * Accepts a quantity greater than zero and returns it trimmed, as written (no normalisation:
 * "2048Mi" stays "2048Mi", the way the role passes it through). Surrounding whitespace is
 * tolerated as Kubernetes' JSON unmarshalling of a Quantity tolerates it.
 */
export function checkPositiveQuantity(text: string): GrammarResult<string> {
  const trimmed = text.trim();
  if (trimmed === "") return rejectedWith(`must not be empty; give ${ACCEPTED}`);
  const match = QUANTITY.exec(trimmed);
  if (match === null) return rejectedWith(`must be ${ACCEPTED}`);
  const [, sign, digits] = match;
  if (sign === "-" || !NON_ZERO_DIGIT.test(digits ?? "")) {
    return rejectedWith("must be greater than zero, e.g. \"2Gi\"");
  }
  return accepted(trimmed);
}
