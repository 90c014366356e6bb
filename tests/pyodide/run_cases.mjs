// Runs calculator requests inside real Pyodide (the pinned npm package) under Node.
//
//   node tests/pyodide/run_cases.mjs JOB.json
//
// JOB.json: {"wheel": "/path/to/calculator.whl", "data_dir": "/path/to/calculator/data",
//            "requests": [{"id": "...", "request": {...}}, ...], "repeat": 1}
// Prints one JSON object on stdout: {"python": "3.14.x", "pyodide": "314.0.7",
//   "responses": {id: response}, "timings_ms": {id: [ms, ...]}}.
// The wheel is installed the way the site's worker does it (unpacked into site-packages), then the
// data's core and region shards are written where the calculator reads them (as the worker does), and
// every request crosses into Python only as a JSON string, through calculator.api.calculate_json.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { installData } from "../../scripts/runtime/install_data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");

async function main() {
  const jobPath = process.argv[2];
  if (!jobPath) throw new Error("usage: node run_cases.mjs JOB.json");
  const job = JSON.parse(await readFile(jobPath, "utf8"));
  const require = createRequire(path.join(root, "package.json"));
  const pyodideDir = path.dirname(require.resolve("pyodide/package.json"));
  const { version } = JSON.parse(await readFile(path.join(pyodideDir, "package.json"), "utf8"));
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);

  const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });
  // A Node Buffer is not a typed array Pyodide accepts; hand it a plain Uint8Array.
  pyodide.unpackArchive(new Uint8Array(await readFile(job.wheel)), "wheel");
  await installData(pyodide, job.data_dir);
  const api = pyodide.pyimport("calculator.api");
  const repeat = Math.max(1, job.repeat || 1);

  const responses = {};
  const timings = {};
  for (const { id, request, text: raw } of job.requests) {
    // A request is an object to encode, or (for hostile requests) the exact text to send.
    const text = raw !== undefined ? raw : JSON.stringify(request);
    const times = [];
    let reply = null;
    for (let i = 0; i < repeat; i += 1) {
      const started = performance.now();
      reply = api.calculate_json(text);
      times.push(performance.now() - started);
    }
    responses[id] = JSON.parse(reply);
    timings[id] = times;
  }
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  process.stdout.write(JSON.stringify({ python, pyodide: version, responses, timings_ms: timings }));
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
