import type { AssetDefinition } from './asset.js';
import { AssetGraphError } from './errors.js';
import { samePartitions, shiftPartition, type PartitionMapping } from './partitions.js';

/** What a materialization of `asset` reads of one dep: all of an unpartitioned dep, or some or all of its partitions. */
export type UpstreamRead =
  | { readonly kind: 'whole' }
  | { readonly kind: 'all' }
  /** `optional`: the look-back part of a window (days before the one computed), read when published. */
  | { readonly kind: 'partitions'; readonly keys: readonly string[]; readonly optional?: readonly string[] };

/** The mapping in force between `asset` and a partitioned `dep`: declared, or the default. */
export function mappingOf(asset: AssetDefinition, dep: AssetDefinition): PartitionMapping {
  const declared = asset.partitionMappings[dep.key];
  if (declared) return declared;
  return asset.partitions ? { kind: 'identity' } : { kind: 'all' };
}

/** The upstream partitions the partitions `keys` of `asset` read (`keys` empty for an unpartitioned asset). */
export function upstreamRead(asset: AssetDefinition, dep: AssetDefinition, keys: readonly string[]): UpstreamRead {
  if (!dep.partitions) return { kind: 'whole' };
  const mapping = mappingOf(asset, dep);
  if (mapping.kind === 'all' || keys.length === 0) return { kind: 'all' };
  if (mapping.kind === 'identity') return { kind: 'partitions', keys };
  const wanted = new Set<string>();
  const required = new Set<string>();
  for (const key of keys) {
    for (let offset = mapping.startOffset; offset <= mapping.endOffset; offset++) {
      const shifted = shiftPartition(dep.partitions, key, offset);
      if (shifted === undefined) continue;
      wanted.add(shifted);
      if (offset >= 0) required.add(shifted);
    }
  }
  const optional = [...wanted].filter((k) => !required.has(k)).sort();
  return { kind: 'partitions', keys: [...wanted].sort(), ...(optional.length ? { optional } : {}) };
}

/** Throws unless every partitioned dependency of `asset` has a mapping that can hold. */
export function checkPartitionMappings(asset: AssetDefinition): void {
  for (const dep of asset.deps) {
    if (!dep.partitions) {
      if (asset.partitionMappings[dep.key]) {
        throw new AssetGraphError(`asset '${asset.key}' maps partitions of '${dep.key}', which is not partitioned`);
      }
      continue;
    }
    const mapping = mappingOf(asset, dep);
    if (mapping.kind === 'all') continue;
    if (!asset.partitions) {
      throw new AssetGraphError(
        `asset '${asset.key}' is not partitioned, so it reads every partition of '${dep.key}'; drop its ${mapping.kind} mapping`,
      );
    }
    if (mapping.kind === 'identity' && !samePartitions(asset.partitions, dep.partitions)) {
      throw new AssetGraphError(
        `assets '${asset.key}' and '${dep.key}' are partitioned differently: declare partitionMappings: { ${dep.key}: … } ` +
          '(windowMapping or allPartitionsMapping)',
      );
    }
    if (
      mapping.kind === 'window' &&
      (asset.partitions.kind !== 'time' || dep.partitions.kind !== 'time' || !samePartitions(asset.partitions, dep.partitions))
    ) {
      throw new AssetGraphError(
        `asset '${asset.key}' reads a window of '${dep.key}': both need time partitions of the same cadence and time zone`,
      );
    }
  }
}
