import Table from 'cli-table3';
import type { AssayConfig } from '../../assay.config.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { TABLE_STYLE } from '../render.js';

/** `assay list`: every asset with its group, layer and dependencies. */
export async function listCommand(config: AssayConfig, options: { json?: boolean }): Promise<number> {
  const { graph } = await loadDefinitions(config.definitionsModule);
  const rows = graph.toposort().map((key) => {
    const asset = graph.get(key);
    return {
      key,
      group: asset.group,
      layer: asset.layer,
      deps: graph.upstream(key),
      kind: asset.compute.kind,
      description: asset.description ?? null,
      tags: asset.tags,
      owners: asset.owners,
      suites: asset.suites,
    };
  });
  if (options.json) {
    console.log(JSON.stringify({ assets: rows, groups: Object.fromEntries(graph.groups) }, null, 2));
    return 0;
  }
  const table = new Table({ head: ['asset', 'group', 'layer', 'kind', 'deps'], style: TABLE_STYLE });
  for (const r of rows) table.push([r.key, r.group, r.layer, r.kind, r.deps.join(', ')]);
  console.log(table.toString());
  return 0;
}
