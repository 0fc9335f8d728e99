// A node:test reporter that writes, as JSON, how long each test file took: the sum of its top-level tests'
// durations (files run side by side, so the suite's wall time is less than the sum). `npm run bench` reads it
// (bench/suite.ts); scripts/test.mjs adds it when TEST_TIMINGS names the file to write.
export default async function* timings(source) {
    /** @type {Record<string, { ms: number; failed: number }>} */
    const files = {};
    for await (const event of source) {
        if ((event.type !== "test:pass" && event.type !== "test:fail") || event.data.nesting !== 0 || !event.data.file) continue;
        const entry = (files[event.data.file] ??= { ms: 0, failed: 0 });
        entry.ms += event.data.details?.duration_ms ?? 0;
        if (event.type === "test:fail") entry.failed += 1;
    }
    yield `${JSON.stringify(files)}\n`;
}
