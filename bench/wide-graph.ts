import { defineAsset, defineDefinitions, sql, type AssetDefinition } from '../framework/index.js';

/**
 * `levels × width` trivial SQL assets: level 0 selects ten rows, and every asset of a later level joins two assets
 * of the level before it. What is left of a run's time is orchestration (plus DuckDB's fixed cost per query).
 */
export function wideGraph(levels = 10, width = 10) {
  const assets: AssetDefinition[][] = [];
  for (let level = 0; level < levels; level++) {
    const row: AssetDefinition[] = [];
    for (let j = 0; j < width; j++) {
      const key = `l${level}_a${j}`;
      if (level === 0) {
        row.push(defineAsset({ key, group: 'wide', compute: sql`select i from range(10) t(i)` }));
      } else {
        const a = assets[level - 1]![j]!;
        const b = assets[level - 1]![(j + 1) % width]!;
        row.push(defineAsset({ key, group: 'wide', compute: sql`select a.i from ${a} a join ${b} b using (i)` }));
      }
    }
    assets.push(row);
  }
  return defineDefinitions({ name: 'wide', assets: assets.flat() });
}
