// The built site opened from disk (file://) in Debian's Firefox ESR, driven by puppeteer-core over
// WebDriver BiDi. Called by tests/test_offline_firefox.py, which makes the assertions.
//
//   node tests/firefox/offline_site.mjs JOB.json
//
// JOB.json: {"site": "/abs/path/to/the/built/site", "firefox": "/usr/bin/firefox-esr",
//            "strict_origin_policy": true,
//            "search": {"queries": ["...", ...]},                            (optional)
//            "calculation": {"fragment": "#...", "expected_link": {...},     (optional)
//                            "region": "...", "benefit": "..."},
//            "stock_pyodide": true,                                          (optional)
//            "site_url": "http://127.0.0.1:PORT/",    (optional: the same site over http instead)
//            "pages": ["index.html", ...],             (optional: pages opened for the CSP check)
//            "inline_probe": true}                     (optional: an unhashed inline script, which
//                                                       the policy must block and report)
// Prints one JSON object on stdout: {"browser", "file_fetch_refused", "search_results", "cell",
//   "runtime", "python_start", "seconds_to_result", "stock_pyodide", "requests", "errors", "csp_violations"}.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const START_TIMEOUT_MS = 90_000;
const SEARCH_TIMEOUT_MS = 20_000;
const STOCK_LOAD_TIMEOUT_MS = 60_000;

// Every Content-Security-Policy violation a page reports, kept across its own lifetime; read by
// cspViolations() before the page is left. Firefox also logs each one to the console.
const RECORD_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + (event.sample || ""));
  }, true);
`;

async function cspViolations(page, report) {
  const seen = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
  report.csp_violations.push(...seen.map((text) => page.url() + ": " + text));
}

/* Each query through the header box; its result links, in order (as tests/conftest.py does). */
async function searchResults(page, queries) {
  await page.click(".md-search__input");
  const results = {};
  for (const query of queries) {
    // Chinese cannot be typed key by key here: set the value and fire the input event, then wait
    // until the list shown is marked as this query's.
    await page.evaluate((text) => {
      const input = document.querySelector(".md-search__input");
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, query);
    await page.waitForFunction(
      (text) => document.querySelector(".md-search-result").dataset.query === text,
      { timeout: SEARCH_TIMEOUT_MS, polling: 50 },
      query,
    );
    results[query] = await page.$$eval(".md-search-result__link", (links) => links.map((link) => link.href));
  }
  return results;
}

/* Open a shared link from disk; the summary cell once the results are those of exactly that link. */
async function calculate(page, siteURL, { fragment, expected_link: expected, region, benefit }, report) {
  const started = Date.now();
  await page.goto(siteURL + "calculator.html" + fragment);
  const cell = `table.calc-summary td[data-region="${region}"][data-benefit="${benefit}"]`;
  await page
    .waitForFunction(
      (wanted) => {
        const root = document.getElementById("calculator");
        if (root.dataset.runtime === "failed") return true;
        if (root.dataset.resultFor === undefined) return false;
        const shown = Object.fromEntries(new URLSearchParams(root.dataset.resultFor));
        return JSON.stringify(Object.entries(shown).sort()) === JSON.stringify(Object.entries(wanted).sort());
      },
      { timeout: START_TIMEOUT_MS, polling: 200 },
      expected,
    )
    .catch((error) => report.errors.push(String(error)));
  report.seconds_to_result = (Date.now() - started) / 1000;
  report.runtime = await page.$eval("#calc-runtime", (box) => box.textContent.trim());
  report.python_start = await page.$eval("#calculator", (root) => root.dataset.pythonStart || null);
  report.cell = await page.$eval(cell, (node) => node.innerText).catch(() => null);
}

/* The stock loader from vendor/pyodide, as a plain page would use it. */
async function stockPyodide(page, siteURL) {
  await page.goto(siteURL + "index.html");
  await page.addScriptTag({ url: siteURL + "vendor/pyodide/pyodide.js" });
  return page.evaluate(
    (timeout) =>
      Promise.race([
        loadPyodide({ indexURL: new URL("vendor/pyodide/", location.href).href }).then(
          (pyodide) => "loaded Python " + pyodide.runPython("import sys; sys.version"),
          (error) => "failed: " + String((error && error.message) || error),
        ),
        new Promise((resolve) => setTimeout(() => resolve("no answer"), timeout)),
      ]),
    STOCK_LOAD_TIMEOUT_MS,
  );
}

async function main() {
  const job = JSON.parse(await readFile(process.argv[2], "utf8"));
  const siteURL = job.site_url || pathToFileURL(job.site).href + "/";
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: job.firefox,
    headless: true,
    // puppeteer sets this to false (every local file may read every other); Firefox's own default
    // is true, and the copy must work under it.
    extraPrefsFirefox: { "security.fileuri.strict_origin_policy": job.strict_origin_policy },
  });
  const report = { requests: [], errors: [], csp_violations: [] };
  try {
    report.browser = await browser.version();
    const page = await browser.newPage();
    // Desktop width: on narrow screens the search box hides behind an icon.
    await page.setViewport({ width: 1280, height: 900 });
    page.on("request", (request) => report.requests.push(request.url()));
    page.on("pageerror", (error) => report.errors.push(String(error)));
    page.on("console", (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) report.csp_violations.push(message.text());
    });
    await page.evaluateOnNewDocument(RECORD_VIOLATIONS);

    for (const name of job.pages || []) {
      await page.goto(siteURL + name);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cspViolations(page, report);
    }
    await page.goto(siteURL + "index.html");
    if (job.search) report.search_results = await searchResults(page, job.search.queries);
    await cspViolations(page, report);
    if (job.calculation) {
      await calculate(page, siteURL, job.calculation, report);
      await cspViolations(page, report);
    }

    // Last, on a page of its own, as these are meant to fail (and report errors of their own).
    const probe = await browser.newPage();
    await probe.goto(siteURL + "index.html");
    // Under the strict policy a page opened from disk may not read the files beside it.
    report.file_fetch_refused = await probe.evaluate(() =>
      fetch("search/manifest.js").then(
        () => false,
        () => true,
      ),
    );
    if (job.stock_pyodide) report.stock_pyodide = await stockPyodide(probe, siteURL);
    if (job.inline_probe) {
      const blocked = await browser.newPage();
      const seen = { csp_violations: [] };
      blocked.on("console", (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) seen.csp_violations.push(message.text());
      });
      await blocked.evaluateOnNewDocument(RECORD_VIOLATIONS);
      await blocked.goto(siteURL + "index.html");
      report.inline_probe_ran = await blocked.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "window.__inlineRan = true";
        document.head.append(script);
        return window.__inlineRan === true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cspViolations(blocked, seen);
      report.inline_probe_violations = seen.csp_violations;
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
