// The platform's seeded PRNG (src/clock/create-prng.ts, mulberry32), built into dist by `npm run build`.
export { createPrng } from '../../dist/clock/create-prng.js';
