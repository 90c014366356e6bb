/*
 * The calculator's Web Worker, written as a function so that the page can start it from a Blob URL.
 * That is the one way a worker starts on file:// pages too (the USB copy): Chromium refuses workers
 * and module workers loaded from file:// URLs, but runs classic workers from Blob URLs.
 *
 * The worker receives the runtime's files as bytes (fetched over http, or decoded from the classic
 * scripts embedded for file://), answers Pyodide's own fetches for them from memory, starts Python,
 * installs the calculator wheel and then answers JSON requests. Only JSON strings cross into Python.
 */
/* exported calculatorWorkerMain */
function calculatorWorkerMain() {
  "use strict";

  let calculate = null;
  const pending = [];

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

  async function fetchWithProgress(url, label, report) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
    const total = Number(response.headers.get("Content-Length")) || 0;
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      report(loaded, total);
    }
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  /* Runtime files keyed by name, as bytes: fetched over http, or decoded from the embedded scripts. */
  async function collectFiles(config) {
    const files = {};
    if (config.mode === "embedded") {
      const names = Object.keys(config.embedded);
      let done = 0;
      for (const name of names) {
        const entry = config.embedded[name];
        const raw = bytesFromBase64(entry.base64);
        files[name] = entry.gzip ? await inflate(raw) : raw;
        done += 1;
        post({ type: "progress", stage: "unpack", loaded: done, total: names.length });
      }
      return files;
    }
    const sizes = config.sizes || {};
    const grandTotal = Object.values(sizes).reduce((a, b) => a + b, 0);
    const loadedByName = {};
    await Promise.all(
      Object.entries(config.urls).map(async ([name, url]) => {
        files[name] = await fetchWithProgress(url, name, (loaded) => {
          loadedByName[name] = loaded;
          const loadedAll = Object.values(loadedByName).reduce((a, b) => a + b, 0);
          post({ type: "progress", stage: "download", loaded: loadedAll, total: grandTotal });
        });
      }),
    );
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
    const pyodide = await loader.loadPyodide({
      indexURL: config.indexURL,
      createPyodideModule: asm.default,
      lockFileContents: new TextDecoder().decode(files["pyodide-lock.json"]),
    });
    post({ type: "progress", stage: "install", loaded: 0, total: 1 });
    pyodide.unpackArchive(files[config.wheelName], "wheel");
    const api = pyodide.pyimport("calculator.api");
    calculate = (request) => api.calculate_json(request);
    post({ type: "ready", python: pyodide.runPython("import sys; sys.version.split()[0]") });
    while (pending.length) answer(pending.shift());
  }

  function answer(message) {
    try {
      post({ type: "result", id: message.id, json: calculate(message.request) });
    } catch (error) {
      post({ type: "result", id: message.id, error: String((error && error.message) || error) });
    }
  }

  self.onmessage = (event) => {
    const message = event.data;
    if (message.type === "start") {
      start(message.config).catch((error) => {
        post({ type: "failed", error: String((error && error.stack) || error) });
      });
    } else if (message.type === "calculate") {
      if (calculate) answer(message);
      else pending.push(message);
    }
  };
}
