/*
 * Behaviour of the comparison pages. Everything works from the HTML the build wrote (no fetch),
 * so the pages behave the same over http and opened from disk (file://). Without this script the
 * full tables show and the copy buttons stay hidden.
 *
 *  - region picker: which regions a topic matrix shows lives in the URL (?regions=beijing,shaanxi)
 *    so a link can be sent; the page reads it back on load. Unknown ids in the URL are ignored.
 *  - copy-link buttons: copy the page URL with the row's anchor, and say 已复制.
 *  - term hints: a glossary term (<abbr title>) explains itself in one shared bubble on hover,
 *    keyboard focus or tap. One listener for the whole page: a topic table holds hundreds of
 *    terms, and mounting a tooltip on each (the theme's content.tooltips) blocked the page for
 *    half a second on a phone. Without this script the browser's own title tooltip remains.
 */
(function () {
  "use strict";

  var QUERY_KEY = "regions";

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  /* --- region picker ------------------------------------------------------------------- */

  function setUpRegionPicker(picker) {
    var boxes = all('input[type="checkbox"][name="regions"]', picker);
    var known = boxes.map(function (box) { return box.value; });
    var status = picker.querySelector(".picker-status");

    function chosenFromUrl() {
      var raw = new URLSearchParams(window.location.search).get(QUERY_KEY);
      if (raw === null) return known.slice();
      var wanted = raw.split(",").map(function (id) { return id.trim(); });
      var chosen = known.filter(function (id) { return wanted.indexOf(id) !== -1; });
      return chosen.length ? chosen : known.slice();
    }

    function writeUrl(chosen) {
      var url = new URL(window.location.href);
      if (chosen.length === known.length) {
        url.searchParams.delete(QUERY_KEY);
      } else {
        url.searchParams.set(QUERY_KEY, chosen.join(","));
      }
      // URLSearchParams encodes the comma; ids are plain ASCII, so keep the query readable.
      var text = url.toString().replace(/%2C/gi, ",");
      if (text !== window.location.href) window.history.replaceState(null, "", text);
    }

    function show(chosen) {
      var visible = {};
      chosen.forEach(function (id) { visible[id] = true; });
      boxes.forEach(function (box) { box.checked = !!visible[box.value]; });
      all("[data-region]").forEach(function (element) {
        if (element.closest(".region-picker")) return;
        element.hidden = !visible[element.getAttribute("data-region")];
      });
      // Footnotes that only hidden columns cite are hidden too; their numbers stay the same.
      all("ol.footnotes > li[data-regions]").forEach(function (item) {
        var used = item.getAttribute("data-regions").split(" ");
        item.hidden = !used.some(function (id) { return visible[id]; });
      });
      markDifferences();
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        if (chosen.length === 0) {
          box.checked = true;
          status.textContent = "请至少选择一个地区。";
          return;
        }
        status.textContent = "";
        show(chosen);
        writeUrl(chosen);
      });
    });

    picker.hidden = false;
    // Without a choice in the URL the page is already as the build wrote it (every region shown,
    // differences marked): touching every cell would only cost a phone a style recalculation.
    if (new URLSearchParams(window.location.search).get(QUERY_KEY) !== null) show(chosenFromUrl());
  }

  /* A link to a row (topics/medical.html#medical.critical_illness.poor.threshold) should show
     that row right under the table's header row, with the header row itself in view: the browser
     alone scrolls the page so far that the site header covers the table's header row. */
  /* The fragment as an element id; a malformed %-escape (a hand-edited link) is taken as written
     instead of throwing. */
  function fragmentId() {
    var raw = window.location.hash.slice(1);
    try {
      return decodeURIComponent(raw);
    } catch (error) {
      return raw;
    }
  }

  function revealTarget() {
    var id = fragmentId();
    var row = id ? document.getElementById(id) : null;
    var box = row ? row.closest(".matrix-scroll") : null;
    if (!box) return;
    var head = box.querySelector("thead");
    box.scrollTop = row.offsetTop - (head ? head.offsetHeight : 0);
    var siteHeader = document.querySelector(".md-header");
    var covered = siteHeader ? siteHeader.offsetHeight : 0;
    window.scrollTo(0, box.getBoundingClientRect().top + window.pageYOffset - covered - 8);
  }

  /* "各地不同" compares the regions on screen: a row differs when its visible cells state
     more than one current figure (statistics are never compared). */
  function markDifferences() {
    all("table.matrix tbody tr.row-rule").forEach(function (row) {
      var seen = {};
      var count = 0;
      all("td[data-compare]", row).forEach(function (cell) {
        var key = cell.getAttribute("data-compare");
        if (cell.hidden || key === "" || seen[key]) return;
        seen[key] = true;
        count += 1;
      });
      var differs = count > 1;
      row.classList.toggle("row-differs", differs);
      var badge = row.querySelector(".badge-differs");
      if (badge) badge.hidden = !differs;
    });
  }

  /* --- copy-link buttons ------------------------------------------------------------------ */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers and some file:// pages: copy through a selected, off-screen text area.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function setUpCopyButton(button) {
    var label = button.textContent;
    var ariaLabel = button.getAttribute("aria-label");
    var timer = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = new URL(window.location.href);
      url.hash = button.getAttribute("data-anchor");
      var text = url.toString().replace(/%2C/gi, ",");
      copyText(text).then(
        function () {
          button.textContent = "已复制";
          button.setAttribute("aria-label", "已复制");
          button.classList.add("copied");
        },
        function () {
          // Copying was refused: show the link so it can be copied by hand.
          window.prompt("请复制这个链接：", text);
        }
      );
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        button.textContent = label;
        if (ariaLabel) button.setAttribute("aria-label", ariaLabel);
        button.classList.remove("copied");
      }, 2500);
    });
  }

  /* --- term hints ---------------------------------------------------------------------------- */

  function setUpTermHints() {
    var bubble = document.createElement("div");
    bubble.className = "term-hint";
    bubble.id = "term-hint";
    bubble.setAttribute("role", "tooltip");
    bubble.hidden = true;
    document.body.appendChild(bubble);
    var current = null;
    var pinned = false;

    function termOf(target) {
      var term = target && target.closest ? target.closest(".md-typeset abbr[title], .md-typeset abbr[data-hint]") : null;
      if (!term) return null;
      // The explanation moves out of title, so the browser's own tooltip does not show beside ours.
      if (term.hasAttribute("title")) {
        term.setAttribute("data-hint", term.getAttribute("title"));
        term.removeAttribute("title");
        term.setAttribute("aria-describedby", bubble.id);
      }
      return term;
    }

    function show(term) {
      current = term;
      bubble.textContent = term.getAttribute("data-hint");
      bubble.hidden = false;
      var box = term.getBoundingClientRect();
      var width = bubble.offsetWidth;
      var left = Math.min(Math.max(8, box.left + box.width / 2 - width / 2), document.documentElement.clientWidth - width - 8);
      var below = box.bottom + 6;
      var top = below + bubble.offsetHeight > window.innerHeight && box.top > bubble.offsetHeight + 6
        ? box.top - bubble.offsetHeight - 6
        : below;
      bubble.style.left = Math.max(8, left) + window.pageXOffset + "px";
      bubble.style.top = top + window.pageYOffset + "px";
    }

    function hide() {
      current = null;
      pinned = false;
      bubble.hidden = true;
    }

    document.addEventListener("mouseover", function (event) {
      var term = termOf(event.target);
      if (term && !pinned) show(term);
    });
    document.addEventListener("mouseout", function (event) {
      if (!pinned && current && !current.contains(event.relatedTarget)) hide();
    });
    document.addEventListener("focusin", function (event) {
      var term = termOf(event.target);
      if (term) show(term);
      else if (current) hide();
    });
    document.addEventListener("focusout", function (event) {
      if (current && event.target === current && !pinned) hide();
    });
    // A tap shows the hint until the next tap elsewhere (phones have no hover).
    document.addEventListener("click", function (event) {
      var term = termOf(event.target);
      if (term) {
        if (pinned && term === current) {
          hide();
        } else {
          show(term);
          pinned = true;
        }
      } else if (current) {
        hide();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) hide();
    });
    // Keep the bubble on its term when the page or a table scrolls underneath it.
    document.addEventListener("scroll", function () { if (current) show(current); }, { capture: true, passive: true });
    window.addEventListener("resize", function () { if (current) show(current); });
  }

  /* The theme's search overlay is a dialog without a name; screen readers announce it as 搜索. */
  function nameSearchDialog() {
    all('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "搜索");
    });
  }

  function start() {
    nameSearchDialog();
    setUpTermHints();
    all(".region-picker").forEach(setUpRegionPicker);
    all("button.copy-link[data-anchor]").forEach(setUpCopyButton);
    // The browser scrolls to the fragment itself once the page has loaded; correct it afterwards.
    if (document.readyState === "complete") revealTarget();
    else window.addEventListener("load", function () { window.setTimeout(revealTarget, 0); });
    window.addEventListener("hashchange", revealTarget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
