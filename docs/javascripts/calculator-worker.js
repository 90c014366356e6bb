/*
 * The calculator's Web Worker, written as a function so that the page can start it from a Blob URL.
 * That is the one way a worker starts on file:// pages too (the USB copy): Chromium refuses workers
 * and module workers loaded from file:// URLs, but runs classic workers from Blob URLs.
 *
 * The worker receives the runtime's files as bytes (fetched over http, or decoded from the classic
 * scripts embedded for file://), answers Pyodide's own fetches for them from memory, starts Python
 * (from the build's memory snapshot when it has one and the snapshot is accepted, otherwise the
 * ordinary way), installs the calculator wheel, writes the policy data's core where the calculator
 * reads it (calculator/data/core.json) and then answers JSON requests. Only JSON strings cross into
 * Python.
 *
 * The data of a region other than national is a shard of its own (calculator/data/regions/<id>.json),
 * written before the first request that needs it: each calculate message lists the shards its
 * regions need (the regions and their ancestors) as {id, url} (fetched here, over http, and kept in
 * Cache Storage) or {id, text} (the page read it from a classic script, on file://). A shard is
 * written once; messages are answered in the order they came.
 *
 * Start message config: {mode: "network", urls, sizes, snapshot?: {url, size}, ...} or
 * {mode: "embedded", embedded, ...}; both with indexURL, wheelName, coreName, dataVersion and
 * start?: "snapshot" | "bare"
 * (a preference for tests and benchmarks; left out, the worker chooses). The ready message says
 * how Python started: start: "snapshot" | "bare" | "refused-snapshot".
 */
/* exported calculatorWorkerMain */
function calculatorWorkerMain() {
  "use strict";

  let calculate = null;
  const pending = [];
  // Where the calculator reads its data in Pyodide's files, the shards written there, and the
  // promise of the last message handled (messages are answered in order, shards loading between).
  let dataDir = null;
  let dataVersion = "";
  const written = new Set();
  let queue = Promise.resolve();
  const REGION_ID = /^[a-z][a-z0-9_]*$/;
  let pyodideFS = null;
  // The memory snapshot's name among the runtime files (gzip-compressed, in both modes).
  const SNAPSHOT = "snapshot.bin.gz";

  function post(message) {
    self.postMessage(message);
  }

  function bytesFromBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /* report(loaded, wireFactor): bytes read so far, and how many bytes crossed the network per byte
   * read (below 1 when the server compressed the file: Content-Length is then the compressed size). */
  async function fetchWithProgress(url, label, report, expectedSize) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
    const total = Number(response.headers.get("Content-Length")) || 0;
    const encoded = response.headers.get("Content-Encoding");
    const wireFactor = encoded && encoded !== "identity" && total && expectedSize ? Math.min(1, total / expectedSize) : 1;
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      report(loaded, wireFactor);
    }
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  /* Files the page gave by URL are kept in the origin's Cache Storage (over http, where it exists),
   * keyed by their URL: the build puts each file's hash in its URL, so a cached copy never goes
   * stale and a second visit starts without the network. Nothing of this runs from file://. */
  const RUNTIME_CACHE = "shebao-calculator-runtime";
  async function openCache() {
    try {
      return self.caches ? await self.caches.open(RUNTIME_CACHE) : null;
    } catch (error) {
      return null; // storage blocked (private mode, some browser settings): just fetch
    }
  }

  async function cachedBytes(cache, url) {
    if (!cache) return null;
    try {
      const hit = await cache.match(url);
      return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
    } catch (error) {
      return null;
    }
  }

  function remember(cache, url, bytes) {
    if (!cache) return Promise.resolve();
    return cache.put(url, new Response(bytes)).catch(() => undefined);
  }

  /* Region shards, kept apart from the runtime files: every shard of one build shares its version
   * (?v=…), and shards of another version are dropped the first time one is asked for. */
  const DATA_CACHE = "shebao-calculator-data";
  let dataCache = null;
  async function openDataCache() {
    if (dataCache) return dataCache;
    try {
      dataCache = self.caches ? await self.caches.open(DATA_CACHE) : null;
    } catch (error) {
      dataCache = null;
    }
    if (dataCache) {
      const current = "v=" + dataVersion;
      for (const request of await dataCache.keys().catch(() => [])) {
        if (!request.url.endsWith(current)) await dataCache.delete(request).catch(() => undefined);
      }
    }
    return dataCache;
  }

  async function shardBytes(url) {
    const cache = await openDataCache();
    const hit = await cachedBytes(cache, url);
    if (hit) return hit;
    const response = await fetch(url);
    if (!response.ok) throw new Error("HTTP " + response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    await remember(cache, url, bytes);
    return bytes;
  }

  /* Write the shards a request needs (those not written yet), in Pyodide's files. */
  async function writeShards(shards) {
    for (const shard of shards || []) {
      if (!shard || !REGION_ID.test(shard.id) || written.has(shard.id)) continue;
      const bytes = typeof shard.text === "string" ? new TextEncoder().encode(shard.text) : await shardBytes(shard.url);
      pyodideFS.writeFile(dataDir + "/regions/" + shard.id + ".json", bytes);
      written.add(shard.id);
    }
  }

  /* Drop cached files this build no longer uses (an older build's hashes). */
  async function forgetOthers(cache, keep) {
    if (!cache) return;
    const wanted = new Set(keep);
    for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  }

  /* Whether to fetch the memory snapshot too. It saves Python's start-up, but is several megabytes
   * more: on a slow link that costs more time than it saves. So it is fetched only when the bytes
   * already arriving say it would come in less time than it saves. What it saves is CPU time: 1.6 s
   * on the 2-core machine of the 性能测量 page (first result 1.7 s with the snapshot, 3.3 s without),
   * more on a slow phone or a busy machine. A short fixed loop, timed before the first bytes arrive,
   * scales that figure: its fastest of a few runs (the first runs go before the JavaScript compiler
   * has optimised the loop and took 15–30 times longer there), against the 2.3 ms it takes on that
   * machine; clamped to 1–5 times. */
  const SNAPSHOT_SAVES_REFERENCE_S = 1.6;
  const PROBE_ITERATIONS = 2e6;
  const PROBE_RUNS = 4;
  const PROBE_REFERENCE_MS = 2.3;
  const RATE_SAMPLE_BYTES = 384 * 1024;

  function snapshotSavesSeconds() {
    let fastest = Infinity;
    let x = 1;
    for (let run = 0; run < PROBE_RUNS; run += 1) {
      const started = performance.now();
      for (let i = 0; i < PROBE_ITERATIONS; i += 1) x = (Math.imul(x, 31) + i) | 0;
      fastest = Math.min(fastest, performance.now() - started);
    }
    const factor = Math.min(5, Math.max(1, fastest / PROBE_REFERENCE_MS));
    return { seconds: SNAPSHOT_SAVES_REFERENCE_S * factor, checksum: x };
  }

  async function collectNetworkFiles(config) {
    const files = {};
    const cache = await openCache();
    const wanted = Object.entries(config.urls);
    const snapshot = config.snapshot && config.start !== "bare" ? config.snapshot : null;
    const cached = {};
    for (const [name, url] of [...wanted, ...(snapshot ? [[SNAPSHOT, snapshot.url]] : [])]) {
      cached[name] = await cachedBytes(cache, url);
    }
    const allCached = wanted.every(([name]) => cached[name]);
    // Decided now: snapshot forced, or cached; not wanted when the rest is cached and it is not
    // (no download on a repeat visit); otherwise decided by the rate of the first bytes.
    let useSnapshot = null;
    if (snapshot && (config.start === "snapshot" || cached[SNAPSHOT])) useSnapshot = true;
    else if (!snapshot || allCached) useSnapshot = false;

    const sizes = config.sizes || {};
    let grandTotal = wanted.reduce((sum, [name]) => sum + (cached[name] ? 0 : sizes[name] || 0), 0);
    const loadedByName = {};
    const wireByName = {};
    // The rate is counted from the first bytes on: the wait before them is the server's and the
    // page's own start, not the link's.
    let firstBytes = null;
    let decide = null;
    const decided = new Promise((resolve) => {
      decide = resolve;
    });
    const report = (name, loaded, wireFactor) => {
      loadedByName[name] = loaded;
      wireByName[name] = loaded * wireFactor;
      const loadedAll = Object.values(loadedByName).reduce((a, b) => a + b, 0);
      const wireAll = Object.values(wireByName).reduce((a, b) => a + b, 0);
      post({ type: "progress", stage: "download", loaded: loadedAll, total: grandTotal });
      if (firstBytes === null) firstBytes = { at: performance.now(), loaded: wireAll };
      // Counted in bytes on the wire, the unit of the snapshot's size (a gzip file, sent as it is).
      const sampled = wireAll - firstBytes.loaded;
      if (useSnapshot === null && (sampled >= RATE_SAMPLE_BYTES || loadedAll >= grandTotal)) {
        const rate = sampled / Math.max(0.001, (performance.now() - firstBytes.at) / 1000);
        useSnapshot = snapshot.size / rate < saves;
        console.info(
          `calculator: ${Math.round(rate / 1024)} KB/s measured, snapshot would save about ${saves.toFixed(1)} s, ` +
            (useSnapshot ? "fetching the memory snapshot" : "starting Python without the snapshot (slow link)"),
        );
        decide();
      }
    };
    if (useSnapshot !== null) decide();
    const fetchOne = async (name, url) => {
      if (cached[name]) {
        files[name] = cached[name];
        return;
      }
      const report1 = (loaded, wireFactor) => report(name, loaded, wireFactor);
      files[name] = await fetchWithProgress(url, name, report1, name === SNAPSHOT ? 0 : sizes[name]);
      await remember(cache, url, files[name]);
    };
    const snapshotFetch = decided.then(async () => {
      if (!useSnapshot) return;
      if (!cached[SNAPSHOT]) {
        grandTotal += snapshot.size;
        await fetchOne(SNAPSHOT, snapshot.url);
      } else {
        files[SNAPSHOT] = cached[SNAPSHOT];
      }
    });
    // The requests go out (fetch() is called synchronously) before the probe holds this thread.
    const downloads = wanted.map(([name, url]) => fetchOne(name, url));
    const saves = useSnapshot === null ? snapshotSavesSeconds().seconds : 0;
    await Promise.all(downloads);
    if (useSnapshot === null) {
      useSnapshot = false;
      decide();
    }
    try {
      await snapshotFetch;
    } catch (error) {
      console.warn("calculator: the memory snapshot could not be fetched, starting without it:", error);
      delete files[SNAPSHOT];
    }
    const keep = wanted.map(([, url]) => url);
    if (snapshot && files[SNAPSHOT]) keep.push(snapshot.url);
    else if (snapshot && cached[SNAPSHOT]) keep.push(snapshot.url);
    files.forgetOthers = () => forgetOthers(cache, keep).catch(() => undefined);
    return files;
  }

  /* Runtime files keyed by name, as bytes: fetched over http, or decoded from the embedded scripts. */
  async function collectFiles(config) {
    if (config.mode !== "embedded") return collectNetworkFiles(config);
    const files = {};
    const names = Object.keys(config.embedded).filter((name) => name !== SNAPSHOT || config.start !== "bare");
    let done = 0;
    for (const name of names) {
      const entry = config.embedded[name];
      const raw = bytesFromBase64(entry.base64);
      // The snapshot stays compressed until it is used: it is inflated once, in startPython.
      files[name] = entry.gzip && name !== SNAPSHOT ? await inflate(raw) : raw;
      done += 1;
      post({ type: "progress", stage: "unpack", loaded: done, total: names.length });
    }
    return files;
  }

  function installFetchShim(files) {
    const realFetch = self.fetch.bind(self);
    self.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const name = url.split("/").pop().split("?")[0];
      const bytes = files[name];
      if (bytes instanceof Uint8Array) {
        const type = name.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
        return new Response(bytes, { headers: { "Content-Type": type } });
      }
      return realFetch(input, init);
    };
  }

  function moduleURL(bytes) {
    return URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
  }

  /* After a restore, everything in the snapshot's memory is what every visitor starts with: give
   * this visitor's random generator its own seed (from crypto.getRandomValues via os.urandom). */
  const RESEED = "import sys\nif 'random' in sys.modules: sys.modules['random'].seed()\n";

  async function startPython(loader, asm, files, config) {
    const options = {
      indexURL: config.indexURL,
      createPyodideModule: asm.default,
      lockFileContents: new TextDecoder().decode(files["pyodide-lock.json"]),
    };
    if (files[SNAPSHOT]) {
      try {
        const snapshot = await inflate(files[SNAPSHOT]);
        const pyodide = await loader.loadPyodide({ ...options, _loadSnapshot: snapshot });
        pyodide.runPython(RESEED);
        return { pyodide, start: "snapshot" };
      } catch (error) {
        console.warn("calculator: the memory snapshot was refused, starting Python without it:", error);
        post({ type: "progress", stage: "start", loaded: 0, total: 1 });
        return { pyodide: await loader.loadPyodide(options), start: "refused-snapshot" };
      }
    }
    return { pyodide: await loader.loadPyodide(options), start: "bare" };
  }

  async function start(config) {
    const files = await collectFiles(config);
    post({ type: "progress", stage: "start", loaded: 0, total: 1 });
    installFetchShim(files);
    // Pyodide declines classic workers by probing importScripts(); this worker is classic only
    // because a Blob URL is the one way to start a worker on file://, and it never uses importScripts.
    self.importScripts = () => {
      throw new Error("importScripts is not used in this worker");
    };
    const loader = await import(moduleURL(files["pyodide.mjs"]));
    const asm = await import(moduleURL(files["pyodide.asm.mjs"]));
    const { pyodide, start: how } = await startPython(loader, asm, files, config);
    delete files[SNAPSHOT]; // restored (or refused): its megabytes are not needed again
    post({ type: "progress", stage: "install", loaded: 0, total: 1 });
    // From a snapshot the calculator's modules are already imported; its files (and the policy
    // data it reads on the first request) come from the wheel either way.
    pyodide.unpackArchive(files[config.wheelName], "wheel");
    // The data's core where the calculator reads it; region shards follow, request by request.
    dataDir = pyodide.runPython("import calculator, os; os.path.join(os.path.dirname(calculator.__file__), 'data')");
    dataVersion = config.dataVersion || "";
    pyodideFS = pyodide.FS;
    pyodideFS.mkdirTree(dataDir + "/regions");
    pyodideFS.writeFile(dataDir + "/core.json", files[config.coreName]);
    const api = pyodide.pyimport("calculator.api");
    calculate = (request) => api.calculate_json(request);
    post({ type: "ready", python: pyodide.runPython("import sys; sys.version.split()[0]"), start: how });
    while (pending.length) enqueue(pending.shift());
    if (files.forgetOthers) files.forgetOthers();
  }

  function answer(message) {
    try {
      post({ type: "result", id: message.id, json: calculate(message.request) });
    } catch (error) {
      post({ type: "result", id: message.id, error: String((error && error.message) || error) });
    }
  }

  /* A shard that cannot be had is said as Python says other data problems: {"errors": {"data": …}}. */
  const SHARD_FAILED = "有地区的政策数据无法读取，暂时无法计算这些地区：请检查网络连接后刷新页面再试。";

  function enqueue(message) {
    queue = queue.then(async () => {
      try {
        await writeShards(message.shards);
      } catch (error) {
        console.warn("calculator: a region's data could not be read:", error);
        post({ type: "result", id: message.id, json: JSON.stringify({ errors: { data: SHARD_FAILED } }) });
        return;
      }
      answer(message);
    });
  }

  self.onmessage = (event) => {
    const message = event.data;
    if (message.type === "start") {
      start(message.config).catch((error) => {
        post({ type: "failed", error: String((error && error.stack) || error) });
      });
    } else if (message.type === "calculate") {
      if (calculate) enqueue(message);
      else pending.push(message);
    }
  };
}
