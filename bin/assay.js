#!/usr/bin/env node
// The `assay` command: runs the TypeScript CLI through tsx, so no build step stands between an edit and a run.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
