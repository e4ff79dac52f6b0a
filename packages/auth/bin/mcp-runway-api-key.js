#!/usr/bin/env node
// The bin pnpm links at install, before any build: it runs the built entry.
import '../dist/cli.js';
