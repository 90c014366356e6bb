/*
 * Behaviour of the comparison pages. Everything works from the HTML the build wrote (no fetch),
 * so the pages behave the same over http and opened from disk (file://). Without this script the
 * full tables show and the copy buttons stay hidden.
 *
 *  - region picker: which regions a topic matrix shows lives in the URL (?regions=beijing,shaanxi)
 *    so a link can be sent, and is remembered for the next topic page opened without one. Unknown
 *    ids in the URL are ignored. A page with many regions carries only the national column; a chosen
 *    region's column arrives as a classic script (topics/columns/<topic>/<region>.js, the folder in
 *    the picker's data-columns) that hands its cells to window.shebaoTopicColumn: <script src> works
 *    opened from disk, where fetch() does not.
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

  var STORAGE_KEY = "shebao.regions";
  // Columns handed over by column scripts, by region id, until the picker inserts them.
  var arrived = {};

  window.shebaoTopicColumn = function (payload) {
    if (payload && typeof payload.region === "string") arrived[payload.region] = payload;
  };

  function remembered() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null; // storage refused (private mode, some file:// settings): nothing remembered
    }
  }

  function remember(chosen) {
    try {
      window.localStorage.setItem(STORAGE_KEY, chosen.join(","));
    } catch (error) {
      /* nothing to remember with */
    }
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function setUpRegionPicker(picker) {
    var boxes = all('input[type="checkbox"][name="regions"]', picker);
    var known = boxes.map(function (box) { return box.value; });
    var order = {};
    known.forEach(function (id, index) { order[id] = index; });
    var shown = (picker.getAttribute("data-shown") || "").split(" ").filter(function (id) { return id in order; });
    var columnsBase = picker.getAttribute("data-columns") || "";
    var max = parseInt(picker.getAttribute("data-max"), 10) || known.length;
    var status = picker.querySelector(".picker-status");
    var loading = {};

    function parse(raw) {
      if (raw === null) return null;
      var wanted = raw.split(",").map(function (id) { return id.trim(); });
      var chosen = known.filter(function (id) { return wanted.indexOf(id) !== -1; });
      return chosen.length ? chosen.slice(0, max) : null;
    }

    function sameAsShown(chosen) {
      return chosen.length === shown.length && chosen.every(function (id) { return shown.indexOf(id) !== -1; });
    }

    function writeUrl(chosen) {
      var url = new URL(window.location.href);
      if (sameAsShown(chosen)) {
        url.searchParams.delete(QUERY_KEY);
      } else {
        url.searchParams.set(QUERY_KEY, chosen.join(","));
      }
      // URLSearchParams encodes the comma; ids are plain ASCII, so keep the query readable.
      var text = url.toString().replace(/%2C/gi, ",");
      if (text !== window.location.href) window.history.replaceState(null, "", text);
    }

    function hasColumn(id) {
      return all("table.matrix thead th[data-region]").some(function (cell) {
        return cell.getAttribute("data-region") === id;
      });
    }

    /* Put an element among its siblings that carry data-region, in the picker's order. */
    function placeByRegion(parent, element, id) {
      var before = null;
      Array.prototype.slice.call(parent.children).some(function (sibling) {
        var other = sibling.getAttribute("data-region");
        if (other !== null && order[other] > order[id]) {
          before = sibling;
          return true;
        }
        return false;
      });
      parent.insertBefore(element, before);
    }

    function silentCell(id) {
      var cell = document.createElement("td");
      cell.className = "cell-silent";
      cell.setAttribute("data-compare", "");
      var value = document.createElement("span");
      value.className = "value value-open";
      value.textContent = picker.getAttribute("data-silent-value");
      var note = document.createElement("span");
      note.className = "note";
      note.textContent = picker.getAttribute("data-silent-note");
      cell.appendChild(value);
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(note);
      cell.setAttribute("data-region", id);
      return cell;
    }

    function insertColumn(payload) {
      var id = payload.region;
      all("table.matrix").forEach(function (table) {
        var headRow = table.querySelector("thead tr");
        placeByRegion(headRow, fragment(payload.head).firstElementChild, id);
        all("tbody tr[id]", table).forEach(function (row) {
          var html = payload.cells[row.id];
          var cell = html ? fragment(html).firstElementChild : silentCell(id);
          placeByRegion(row, cell, id);
        });
        var notes = document.querySelector('ol.footnotes[data-aspect="' + table.getAttribute("data-aspect") + '"]');
        (payload.footnotes[table.getAttribute("data-aspect")] || []).forEach(function (note) {
          var number = note[0];
          var existing = document.getElementById(note[1]);
          if (existing) {
            existing.setAttribute("data-regions", existing.getAttribute("data-regions") + " " + id);
            return;
          }
          var item = document.createElement("li");
          item.id = note[1];
          item.value = number;
          item.setAttribute("data-regions", id);
          item.appendChild(fragment(note[2]));
          var after = all("li[value]", notes).filter(function (other) { return other.value < number; }).pop();
          notes.insertBefore(item, after ? after.nextSibling : notes.firstChild);
        });
      });
      var items = document.querySelector(".region-items-list");
      if (items) placeByRegion(items, fragment(payload.items).firstElementChild, id);
    }

    /* The region's column, from its script unless the page has it already. */
    function load(id) {
      if (hasColumn(id)) return Promise.resolve();
      if (!loading[id]) {
        loading[id] = new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = columnsBase + encodeURIComponent(id) + ".js";
          script.onload = function () {
            var payload = arrived[id];
            delete arrived[id];
            if (!hasColumn(id)) {
              if (!payload) {
                reject(new Error(id));
                return;
              }
              insertColumn(payload);
            }
            resolve();
          };
          script.onerror = function () {
            delete loading[id];
            reject(new Error(id));
          };
          document.head.appendChild(script);
        });
      }
      return loading[id];
    }

    function show(chosen) {
      var visible = {};
      chosen.forEach(function (id) { visible[id] = true; });
      boxes.forEach(function (box) {
        box.checked = !!visible[box.value];
        var group = box.closest("details");
        if (box.checked && group) group.open = true;
      });
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

    /* Load what is missing, then show exactly `chosen`; on failure keep what was shown. */
    function choose(chosen, done) {
      var missing = chosen.filter(function (id) { return !hasColumn(id); });
      if (missing.length) status.textContent = "正在加载所选地区的数据……";
      Promise.all(missing.map(load)).then(
        function () {
          status.textContent = "";
          show(chosen);
          if (done) done(chosen);
        },
        function (error) {
          var box = boxes[order[error.message]];
          status.textContent = "无法加载" + (box ? box.parentNode.textContent.trim() : "") + "的数据。";
          if (box) box.checked = false;
        }
      );
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        if (chosen.length === 0) {
          box.checked = true;
          status.textContent = "请至少选择一个地区。";
          return;
        }
        if (chosen.length > max) {
          box.checked = false;
          status.textContent = "最多同时比较" + max + "个地区，请先取消勾选其他地区。";
          return;
        }
        status.textContent = "";
        choose(chosen, function (shownNow) {
          writeUrl(shownNow);
          remember(shownNow);
        });
      });
    });

    picker.hidden = false;
    // A choice in the URL wins; without one, the choice remembered from the last topic page. Without
    // either the page is already as the build wrote it: touching every cell would only cost a phone
    // a style recalculation.
    var fromUrl = parse(new URLSearchParams(window.location.search).get(QUERY_KEY));
    var chosen = fromUrl || parse(remembered());
    if (chosen && !(sameAsShown(chosen) && !fromUrl)) {
      choose(chosen, fromUrl ? null : writeUrl);
    }
  }

  /* A link to a row (topics/medical.html#medical.critical_illness.poor.threshold) should show
     that row right under the table's header row, with the header row itself in view: the browser
     alone scrolls the page so far that the site header covers the table's header row. */
  function revealTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
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
