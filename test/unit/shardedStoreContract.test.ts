import * as fs from 'fs';
import * as path from 'path';
import { sha1 } from '../../src/core/store/identity';
import { ShardedStore } from '../../src/core/store/shardedStore';
import { storeContract } from './storeContract';

storeContract({
  name: 'sharded vectra store',
  open: ShardedStore.open,
  // The shard a path hashes to (the contract opens with 4 shards), truncated as a kill mid-write by an older version could leave it.
  damage(dir, relPath) {
    const shardsRoot = path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!);
    const shard = parseInt(sha1(relPath).slice(0, 8), 16) % 4;
    const folder = `s${shard.toString(16).padStart(3, '0')}`;
    fs.writeFileSync(path.join(shardsRoot, folder, 'index.json'), '{"items": [');
  },
});
