// jest.config.js's `postgres` project: a file's first fixture starts its cluster (initdb),
// which takes seconds on a busy machine; creating a database per fixture takes a moment too.
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
