/*
 * Behaviour every page shares (the topic pages' own is in topics.js).
 *
 *  - term hints: a glossary term (<abbr title>) explains itself in one shared bubble on hover,
 *    keyboard focus or tap. One listener for the whole page: a topic table holds hundreds of
 *    terms, and mounting a tooltip on each (the theme's content.tooltips) blocked the page for
 *    half a second on a phone. Without this script the browser's own title tooltip remains.
 *  - the theme's search dialog gets a name for screen readers.
 */
(function () {
  "use strict";

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
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

  /* 字号 (larger text for older readers): three steps, a button in the header, remembered on this
   * device where the browser allows it. The CSS scales the root size; the layout uses rem. */
  var TEXT_SIZES = [
    { id: "normal", label: "标准" },
    { id: "large", label: "大" },
    { id: "larger", label: "特大" }
  ];
  var TEXT_SIZE_KEY = "shebao.textSize";

  function storedTextSize() {
    try {
      return window.localStorage.getItem(TEXT_SIZE_KEY) || "normal";
    } catch (error) {
      return "normal";
    }
  }

  function applyTextSize(id) {
    var size = TEXT_SIZES.filter(function (s) { return s.id === id; })[0] || TEXT_SIZES[0];
    if (size.id === "normal") document.documentElement.removeAttribute("data-text-size");
    else document.documentElement.setAttribute("data-text-size", size.id);
    return size;
  }

  function setUpTextSize() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".text-size")) return;
    var current = applyTextSize(storedTextSize());
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button text-size";
    var state = document.createElement("span");
    state.className = "text-size-state";
    button.appendChild(document.createTextNode("字号"));
    button.appendChild(state);
    function label() {
      // On a phone only "字号" shows (the header needs the room); the state is in the label.
      state.textContent = "：" + current.label;
      var next = TEXT_SIZES[(TEXT_SIZES.indexOf(current) + 1) % TEXT_SIZES.length];
      button.setAttribute("aria-label", "字号：" + current.label + "。点击改为" + next.label);
      button.setAttribute("title", "改变字号（标准、大、特大）");
    }
    label();
    button.addEventListener("click", function () {
      current = applyTextSize(TEXT_SIZES[(TEXT_SIZES.indexOf(current) + 1) % TEXT_SIZES.length].id);
      try {
        if (current.id === "normal") window.localStorage.removeItem(TEXT_SIZE_KEY);
        else window.localStorage.setItem(TEXT_SIZE_KEY, current.id);
      } catch (error) {
        /* not allowed here: the size holds for this page only */
      }
      label();
    });
    var search = header.querySelector('label[for="__search"]');
    header.insertBefore(button, search || null);
  }

  function start() {
    setUpTextSize();
    nameSearchDialog();
    setUpTermHints();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
