/** A heading on the path to a passage: its level (1 outermost) and text. */
export interface PathHeading {
  level: number;
  text: string;
}

/** The heading path after `heading`: headings at its level or deeper end where it begins. */
export function enterHeading(path: readonly PathHeading[], heading: PathHeading): PathHeading[] {
  const kept = [...path];
  while (kept.length && kept[kept.length - 1].level >= heading.level) kept.pop();
  kept.push(heading);
  return kept;
}

/** A heading path as a title: `Guide > Install > Windows`. */
export function pathTitle(path: readonly PathHeading[]): string {
  return path.map((h) => h.text).join(' > ');
}
