import yaml from "js-yaml";

/** YAML as `kubectl get -o yaml` prints it: keys sorted, no folding, no anchors. */
export function toYaml(value: unknown): string {
  if (value === undefined) return "";
  return yaml.dump(value, { sortKeys: true, lineWidth: -1, noRefs: true });
}

type Edit = { readonly op: " " | "-" | "+"; readonly line: string };

const CONTEXT_LINES = 3;

/**
 * A unified diff (`diff -u -N`) of two texts: `--- <from>` / `+++ <to>` and hunks with three lines
 * of context; empty when the texts are equal. An absent side is the empty text (`-N`). Pure.
 */
export function unifiedDiff(before: string, after: string, fromLabel: string, toLabel: string): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = editScript(a, b);
  if (edits.every((edit) => edit.op === " ")) return "";
  const lines = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  for (const hunk of hunks(edits)) lines.push(...hunk);
  return `${lines.join("\n")}\n`;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Longest common subsequence by dynamic programming: objects are a few hundred lines at most. */
function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: " ", line: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || table[(i + 1) * width + j]! >= table[i * width + j + 1]!)) {
      // Removals before additions, as diff -u prints a changed line.
      edits.push({ op: "-", line: a[i]! });
      i++;
    } else {
      edits.push({ op: "+", line: b[j]! });
      j++;
    }
  }
  return edits;
}

function hunks(edits: readonly Edit[]): string[][] {
  const changed = edits.map((edit, index) => (edit.op === " " ? -1 : index)).filter((index) => index >= 0);
  const ranges: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT_LINES);
    const end = Math.min(edits.length, index + CONTEXT_LINES + 1);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  return ranges.map(([start, end]) => {
    let oldLine = 1;
    let newLine = 1;
    for (const edit of edits.slice(0, start)) {
      if (edit.op !== "+") oldLine++;
      if (edit.op !== "-") newLine++;
    }
    const body = edits.slice(start, end);
    const oldCount = body.filter((edit) => edit.op !== "+").length;
    const newCount = body.filter((edit) => edit.op !== "-").length;
    const header = `@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`;
    return [header, ...body.map((edit) => `${edit.op}${edit.line}`)];
  });
}
