/**
 * Quantities written the way the API server stores them (apimachinery's canonical form), so what
 * the renderer writes to Git is byte-for-byte what the cluster shows and Argo CD sees no drift.
 */

/** `<millicores>m` in canonical form: whole cores as a plain number ("4"), otherwise "1500m". */
export function canonicalMillicores(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

const BINARY_SUFFIXES = ["Mi", "Gi", "Ti", "Pi", "Ei"] as const;

/** `<mebibytes>Mi` in canonical form: the largest binary suffix that keeps an integer ("2Gi", "1536Mi"). */
export function canonicalMebibytes(mebibytes: number): string {
  let value = mebibytes;
  let index = 0;
  while (value % 1024 === 0 && value !== 0 && index < BINARY_SUFFIXES.length - 1) {
    value /= 1024;
    index++;
  }
  return `${value}${BINARY_SUFFIXES[index]}`;
}
