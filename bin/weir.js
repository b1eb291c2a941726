#!/usr/bin/env node
// The CLI runs straight from the TypeScript sources: tsx compiles on load and caches, so `npx weir` needs no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
