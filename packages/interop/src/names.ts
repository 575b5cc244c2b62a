/**
 * Makes names unique for export, deterministically. A name keeps its first occurrence unless `taken` has it; a repeat
 * (or a taken name) becomes `name_2`, `name_3`, …: the first candidate that is not in `taken`, not any of `names`
 * (so layers `a`, `a`, `a_2` become `a`, `a_3`, `a_2`) and not an earlier result.
 */
export function uniqueNames(names: readonly string[], taken: Iterable<string> = []): string[] {
  const given = new Set(names);
  const used = new Set(taken);
  return names.map((name) => {
    let unique = name;
    for (let k = 2; used.has(unique) || (unique !== name && given.has(unique)); k++) unique = `${name}_${k}`;
    used.add(unique);
    return unique;
  });
}
