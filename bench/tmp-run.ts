import { measureLimits } from './limits.js';
import { measureAppends } from './append.js';
import { measureHttp } from './http.js';
console.log(await measureLimits(2));
console.log(await measureAppends([{ concurrency: 1, events: 500 }, { concurrency: 16, events: 5000 }, { concurrency: 256, events: 10000 }]));
console.log(await measureHttp([{ mode: 'single', connections: 64, events: 5000 }, { mode: 'batch', connections: 8, events: 10000, batch: 100 }]));
