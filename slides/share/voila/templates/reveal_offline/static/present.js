// Live slides (python3 course.py present): reveal.js set-up and a speaker view.
//
// The speaker view is a small window that this page opens and fills in itself
// (current slide's notes, the next slide's title and a preview, slide number,
// clock and timer). It loads no URL, so it starts no kernel: reveal's own notes
// plugin loads the deck twice more in iframes, and each Voila page load runs
// the notebook in a new kernel.
/* global Reveal */
(function () {
  "use strict";

  var speaker = null;      // the speaker window, while open
  var startedAt = Date.now();

  function text(element) {
    if (!element) { return ""; }
    var copy = element.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".anchor-link"), function (a) { a.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // The slide's own notes: its <aside class="notes">, not those of nested slides.
  function notesOf(slide) {
    return Array.prototype.filter.call(slide.querySelectorAll("aside.notes"), function (aside) {
      return aside.closest("section") === slide;
    });
  }

  function titleOf(slide) {
    if (!slide) { return "(end of the deck)"; }
    var heading = Array.prototype.find.call(slide.querySelectorAll("h1, h2, h3, h4"),
      function (h) { return !h.closest("aside.notes") && h.closest("section") === slide; });
    return text(heading) || "(untitled slide)";
  }

  // A still copy of a slide for the preview pane (live widgets stay in the deck).
  function stillCopy(slide, doc) {
    var copy = doc.importNode(slide, true);
    Array.prototype.forEach.call(copy.querySelectorAll("aside.notes, script, .voila-skeleton-container"),
      function (node) { node.remove(); });
    Array.prototype.forEach.call(copy.querySelectorAll(".fragment"), function (node) {
      node.classList.add("visible");
    });
    copy.removeAttribute("hidden");
    copy.removeAttribute("aria-hidden");
    copy.className = "present";
    copy.style.cssText = "display: block; position: static; transform: none; opacity: 1;" +
      "visibility: visible; width: 100%; height: auto; top: 0; left: 0;";
    Array.prototype.forEach.call(copy.querySelectorAll("section"), function (s) {
      s.style.cssText = "display: block; position: static; transform: none; opacity: 1;";
    });
    return copy;
  }

  var SPEAKER_HTML = [
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Speaker view</title>",
    "<style>",
    "body { margin: 0; font-family: sans-serif; display: grid; height: 100vh;",
    "  grid-template-columns: 3fr 2fr; grid-template-rows: auto 1fr; background: #fafafa; }",
    "header { grid-column: 1 / 3; display: flex; gap: 2em; align-items: baseline;",
    "  padding: 0.4em 1em; background: #222; color: #eee; font-size: 22px; }",
    "#timer { cursor: pointer; font-variant-numeric: tabular-nums; }",
    "#notes { padding: 0.5em 1em; overflow: auto; font-size: 24px; line-height: 1.35; }",
    "#next { padding: 0.5em 1em; overflow: hidden; border-left: 1px solid #ccc; }",
    "#next-title { font-size: 20px; font-weight: bold; margin: 0.3em 0; }",
    "#preview { width: 100%; aspect-ratio: 16 / 9; overflow: hidden; position: relative;",
    "  border: 1px solid #bbb; background: white; }",
    "#preview > .reveal { position: absolute; top: 0; left: 0; transform-origin: 0 0; }",
    "h2 { font-size: 14px; text-transform: uppercase; color: #666; margin: 0.6em 0 0.2em; }",
    ".hint { color: #888; font-size: 14px; }",
    "</style></head><body>",
    "<header><span id='number'></span><span id='timer' title='click to restart'>00:00:00</span>",
    "<span id='clock'></span><span class='hint'>keys here: arrows, space; click the timer to restart it</span></header>",
    "<section id='notes'><h2>Notes</h2><div id='notes-text'></div></section>",
    "<section id='next'><h2>Next</h2><div id='next-steps' class='hint'></div>",
    "<div id='next-title'></div><div id='preview'></div></section>",
    "</body></html>"
  ].join("\n");

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    if (!speaker || speaker.closed) { return; }
    var s = Math.floor((Date.now() - startedAt) / 1000);
    var doc = speaker.document;
    doc.getElementById("timer").textContent =
      pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    var now = new Date();
    doc.getElementById("clock").textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  function update() {
    if (!speaker || speaker.closed) { return; }
    var doc = speaker.document;
    var slide = Reveal.getCurrentSlide();
    if (!slide) { return; }
    var slides = Reveal.getSlides();
    var index = slides.indexOf(slide);
    var next = slides[index + 1];
    doc.getElementById("number").textContent = "Slide " + (index + 1) + " / " + slides.length;
    var notes = notesOf(slide);
    doc.getElementById("notes-text").innerHTML = notes.length
      ? notes.map(function (aside) { return aside.innerHTML; }).join("\n")
      : "<p class='hint'>(no notes for this slide)</p>";
    var hidden = slide.querySelectorAll(".fragment:not(.visible)").length;
    doc.getElementById("next-steps").textContent = hidden
      ? hidden + " more step" + (hidden > 1 ? "s" : "") + " on this slide, then:" : "";
    doc.getElementById("next-title").textContent = titleOf(next);
    var preview = doc.getElementById("preview");
    preview.textContent = "";
    if (next) {
      var frame = doc.createElement("div");
      frame.className = "reveal";
      var config = Reveal.getConfig();
      frame.style.width = config.width + "px";
      frame.style.height = config.height + "px";
      frame.style.transform = "scale(" + preview.clientWidth / config.width + ")";
      var holder = doc.createElement("div");
      holder.className = "slides";
      holder.style.cssText = "position: static; width: 100%; height: 100%; transform: none;" +
        "inset: auto; margin: 0; pointer-events: none;";
      holder.appendChild(stillCopy(next, doc));
      frame.appendChild(holder);
      preview.appendChild(frame);
    }
  }

  function onSpeakerKey(event) {
    var forward = ["ArrowRight", "ArrowDown", "PageDown", " ", "n", "N"];
    var back = ["ArrowLeft", "ArrowUp", "PageUp", "p", "P"];
    if (forward.indexOf(event.key) >= 0) { Reveal.next(); event.preventDefault(); }
    else if (back.indexOf(event.key) >= 0) { Reveal.prev(); event.preventDefault(); }
  }

  function openSpeakerView() {
    if (speaker && !speaker.closed) { speaker.focus(); return; }
    speaker = window.open("", "course-speaker-view", "width=1100,height=700");
    if (!speaker) {
      alert("The speaker view could not open: allow pop-ups for this page, then press S again.");
      return;
    }
    var doc = speaker.document;
    doc.open();
    doc.write(SPEAKER_HTML);
    doc.close();
    // the deck's style sheets, so that notes and preview look as in the deck
    // (rules that MathJax adds at run time are in the sheets, not in the tags' text)
    var rules = [];
    Array.prototype.forEach.call(document.styleSheets, function (sheet) {
      var owner = sheet.ownerNode;
      if (owner && owner.tagName === "LINK") {
        var link = doc.createElement("link");
        link.rel = "stylesheet";
        link.href = owner.href;
        doc.head.insertBefore(link, doc.head.firstChild);
        return;
      }
      try {
        Array.prototype.forEach.call(sheet.cssRules, function (rule) { rules.push(rule.cssText); });
      } catch (error) { /* a sheet that cannot be read is left out */ }
    });
    var style = doc.createElement("style");
    style.textContent = rules.join("\n");
    doc.head.insertBefore(style, doc.head.querySelector("style"));
    doc.addEventListener("keydown", onSpeakerKey);
    doc.getElementById("timer").addEventListener("click", function () {
      startedAt = Date.now();
      tick();
    });
    speaker.addEventListener("resize", update);
    update();
    tick();
  }

  // A slide taller than the screen: its tallest output picture shrinks (to half
  // its height at most, to stay readable) so that the slide fits; what still
  // does not fit scrolls. A picture is an image, or the canvas that takes a live
  // figure's place once it is moved (course_lib/figure_canvas.js): the slide is
  // fitted again when a canvas paints for the first time.
  function fitSlide(slide) {
    if (!slide) { return; }
    var height = Reveal.getConfig().height + 4;  // a few pixels of margin may go
    var pictures = Array.prototype.slice.call(
      slide.querySelectorAll(".jp-OutputArea-output img, .jp-OutputArea-output canvas"));
    pictures.forEach(function (img) { img.style.maxHeight = ""; img.style.width = ""; });
    slide.classList.remove("course-tall");
    if (pictures.length && slide.scrollHeight > height) {
      var tallest = pictures.reduce(function (a, b) { return b.clientHeight > a.clientHeight ? b : a; });
      var smallest = 0.5 * tallest.clientHeight;
      tallest.style.width = "auto";
      for (var i = 0; i < 3 && slide.scrollHeight > height; i++) {
        var fits = tallest.clientHeight - (slide.scrollHeight - height) - 4;
        tallest.style.maxHeight = Math.max(fits, smallest) + "px";
      }
    }
    if (slide.scrollHeight > height) { slide.classList.add("course-tall"); }
  }

  function fitCurrentSlide() { fitSlide(Reveal.getCurrentSlide()); }

  window.startDeck = function (options) {
    Reveal.initialize({
      controls: true,
      progress: true,
      history: true,
      center: false,
      transition: options.transition,
      slideNumber: options.slideNumber,
      width: options.width,
      height: options.height,
      margin: 0.02,
      plugins: []
    });
    Reveal.addKeyBinding({keyCode: 83, key: "S", description: "Speaker view (notes, next slide, timer)"},
      openSpeakerView);
    document.addEventListener("course-painted", function (event) {
      if (!event.target.courseFitted) {
        event.target.courseFitted = true;
        fitCurrentSlide();
      }
    }, true);
    ["ready", "slidechanged", "fragmentshown", "fragmenthidden"].forEach(function (name) {
      Reveal.on(name, update);
      Reveal.on(name, fitCurrentSlide);
    });
    // outputs arrive while the cells run: fit again when a picture of this slide loads
    document.addEventListener("load", function (event) {
      var slide = Reveal.getCurrentSlide();
      if (event.target.tagName === "IMG" && slide && slide.contains(event.target)) { fitSlide(slide); }
    }, true);
    setInterval(tick, 1000);
    window.addEventListener("pagehide", function () {
      if (speaker && !speaker.closed) { speaker.close(); }
    });
    window.openSpeakerView = openSpeakerView;
  };
}());
