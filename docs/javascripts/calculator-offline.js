/*
 * Over http, register the service worker that keeps this page usable offline after one visit
 * (the Python runtime itself is cached by the calculator's worker). Registered after the page has
 * loaded, so it never competes with the first visit's downloads. Not on file:// pages.
 */
(function () {
  "use strict";

  const configElement = document.getElementById("calculator-config");
  if (!configElement || !("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  const url = JSON.parse(configElement.textContent).runtime.service_worker;
  if (!url) return;
  const register = () =>
    navigator.serviceWorker.register(new URL(url, document.baseURI)).catch((error) => {
      if (window.console) console.warn("calculator: no offline copy (service worker refused):", error);
    });
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
