// `npm run demo` lands with local-cloud (issue 3). Until then it says so instead of half-working.
console.error('npm run demo is not yet available: the local-cloud stack is still being built. `npm test` works.');
process.exit(1);
