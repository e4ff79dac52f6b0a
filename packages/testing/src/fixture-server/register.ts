/** `node --import <this file>`: installs hooks.ts in a test process. */
import { register } from 'node:module';

register(new URL('./hooks.js', import.meta.url));
