/*
 * Workers on pages opened from disk (file://). Loaded in <head> just before iframe-worker.
 *
 * Browsers refuse workers loaded from file:// URLs, so on file:// pages iframe-worker replaces
 * window.Worker with a stand-in that runs the script in a hidden iframe; that is how site search
 * works from disk. Workers started from Blob URLs (the calculator's) do run natively on file://
 * pages, and Pyodide needs a real worker (the stand-in left the calculator waiting forever):
 * those keep the browser's own Worker. Over http nothing here runs.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof window.Worker !== "function") return;

  const NativeWorker = window.Worker;
  let FileWorker = NativeWorker;

  function Worker(url, options) {
    const Chosen = String(url).startsWith("blob:") ? NativeWorker : FileWorker;
    return new Chosen(url, options);
  }

  Object.defineProperty(window, "Worker", {
    configurable: true,
    get: () => Worker,
    // iframe-worker assigns its stand-in here; it then serves only workers loaded from files.
    set: (replacement) => {
      FileWorker = replacement;
    },
  });
})();
