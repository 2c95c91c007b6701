r"""Build the offline slide decks: a reveal.js deck and a PDF handout per notebook, and an index.

    python tools/build_slides.py [NOTEBOOK ...] [--out DIR] [--no-pdf] [--assets-only]

(``python3 course.py slides`` runs this in the course's environment.)

1. The front-end assets come from the npm packages pinned in ``slides/package.json``
   and ``slides/package-lock.json`` (installed with ``npm ci`` when missing); the
   few files a deck needs are copied into ``DIR/lib/``. No deck loads anything
   from the network: every URL in it is relative, so the folder can be copied
   anywhere and opened from ``file://``.
2. Each notebook is executed afresh, top to bottom, with its widgets' state
   stored, so the plots are present and the widgets show their last picture.
3. nbconvert's reveal template, with the offline changes in
   ``slides/share/nbconvert/templates/reveal_offline`` (MathJax 3 from one file,
   no Mermaid import), writes ``DIR/NN_name.html``. The slide structure is the
   notebooks' ``slideshow`` metadata (``tools/slide_metadata.py``); code cells
   tagged ``hide-input`` show only their output.
4. Headless Chromium prints each deck to ``DIR/NN_name.pdf`` (reveal.js's
   ``?print-pdf`` view), the handout.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import SlidesExporter
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deck  # noqa: E402  (tools/deck.py: the notebook's marks applied)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (the repository's course.py: standard library only)

course.reproducible_environment()  # the decks show the numbers the notebooks store
SLIDES = ROOT / "slides"
MODULES = SLIDES / "node_modules"
TEMPLATES = SLIDES / "share" / "nbconvert" / "templates"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-gpu"]
WIDTH, HEIGHT = 1280, 720  # a projector's screen; every slide fits it
THEME = "white"  # one of the reveal themes that import no web fonts
URLS = {
    "reveal_url_prefix": "lib/reveal.js",
    "require_js_url": "lib/require.js",
    "jquery_url": "lib/jquery.min.js",
    "widget_renderer_url": "lib/html-manager/embed-amd.js",
    "mathjax_url": "lib/mathjax/tex-svg-full.js",
}


def install_assets() -> None:
    r"""``npm ci`` in slides/ when its node_modules are missing or older than the lock file."""
    lock = SLIDES / "package-lock.json"
    stamp = MODULES / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("Building the slides needs Node.js and npm (they install the pinned reveal.js, "
                 "MathJax and widget renderer once): e.g. sudo apt install npm")
    print("Installing the slides' front-end assets (npm ci, once) ...", flush=True)
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=SLIDES,
                   check=True)


def copy_assets(lib: Path) -> None:
    r"""Copy the files the decks load out of node_modules into ``lib``."""
    if lib.exists():
        shutil.rmtree(lib)
    no_maps = shutil.ignore_patterns("*.map", "*.esm.js", "*.LICENSE.txt")
    shutil.copytree(MODULES / "reveal.js" / "dist", lib / "reveal.js" / "dist", ignore=no_maps)
    shutil.copytree(MODULES / "reveal.js" / "plugin" / "notes", lib / "reveal.js" / "plugin" /
                    "notes", ignore=shutil.ignore_patterns("*.esm.js", "plugin.js"))
    shutil.copy2(MODULES / "requirejs" / "require.js", lib / "require.js")
    shutil.copy2(MODULES / "jquery" / "dist" / "jquery.min.js", lib / "jquery.min.js")
    shutil.copytree(MODULES / "@jupyter-widgets" / "html-manager" / "dist", lib / "html-manager",
                    ignore=shutil.ignore_patterns("*.map", "embed.js", "libembed-amd.js",
                                                  "*.LICENSE.txt"))
    (lib / "mathjax").mkdir()
    shutil.copy2(MODULES / "mathjax" / "es5" / "tex-svg-full.js", lib / "mathjax")
    fontawesome = MODULES / "@fortawesome" / "fontawesome-free"
    for part in ("css", "webfonts"):  # for the live route (Voila's reveal template)
        shutil.copytree(fontawesome / part, lib / "fontawesome" / part)


def execute(path: Path) -> nbformat.NotebookNode:
    r"""Run the notebook's deck (``deck.prepare``) top to bottom, keeping the widgets' state."""
    nb = deck.prepare(nbformat.read(path, as_version=4))
    NotebookClient(nb, timeout=900, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def export(nb: nbformat.NotebookNode, path: Path) -> str:
    r"""The reveal.js deck of an executed notebook, every asset URL relative."""
    config = Config()
    for trait, url in URLS.items():
        setattr(config.SlidesExporter, trait, url)
    config.SlidesExporter.reveal_theme = THEME
    config.SlidesExporter.reveal_width = str(WIDTH)
    config.SlidesExporter.reveal_height = str(HEIGHT)
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    config.SlidesExporter.template_name = "reveal_offline"
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    present = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    body, _ = SlidesExporter(config=config).from_notebook_node(
        nb, resources={"present_path": present})
    return body


WIDGETS_DRAWN = """() => [...document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]')].every(script => {
        const view = script.parentElement.querySelector('.widget-subarea');
        return view && view.childElementCount > 0;})"""


def print_pdfs(decks: list[Path]) -> None:
    r"""Print each deck to a PDF beside it with headless Chromium (reveal's print view)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for deck in decks:
            page = browser.new_page()
            page.goto(deck.as_uri() + "?print-pdf")
            page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=120_000)
            page.evaluate("() => MathJax.startup.promise")
            try:  # widget views render after MathJax: wait for every saved picture
                page.wait_for_function(WIDGETS_DRAWN, timeout=20_000)
            except PlaywrightTimeout:
                print(f"  {deck.name}: not every widget rendered in the handout", flush=True)
            page.wait_for_timeout(500)
            page.pdf(path=str(deck.with_suffix(".pdf")), width=f"{WIDTH}px", height=f"{HEIGHT}px",
                     print_background=True, prefer_css_page_size=True)
            page.close()
        browser.close()


def title(nb: nbformat.NotebookNode) -> str:
    first = nb.cells[0].source.strip().splitlines()[0]
    return first.lstrip("# ").strip()


def write_index(out: Path, decks: list[tuple[Path, str]], pdf: bool) -> None:
    r"""An index page linking every deck and handout (no external resources)."""
    rows = "\n".join(
        f'<li><a href="{deck.name}">{html.escape(name)}</a>'
        + (f' · <a href="{deck.with_suffix(".pdf").name}">PDF handout</a>' if pdf else "")
        + "</li>" for deck, name in decks)
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Slides: artificial neural networks</title>
<style>body {{font-family: sans-serif; max-width: 46em; margin: 3em auto; line-height: 1.6}}
li {{margin: 0.6em 0}}</style></head>
<body><h1>Artificial neural networks, hands on: slides</h1>
<p>One deck per notebook, built from the notebooks by <code>python3 course.py slides</code>.
Keys: arrows or space to move, <kbd>S</kbd> speaker notes, <kbd>Esc</kbd> overview,
<kbd>F</kbd> full screen. Widgets show their saved state; to move them live, present with
<code>python3 course.py present NOTEBOOK</code>.</p>
<ul>
{rows}
</ul></body></html>
""", encoding="utf-8")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebook in notebooks/")
    parser.add_argument("--out", default=str(SLIDES), help="where the decks go (default slides/)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF handouts")
    parser.add_argument("--assets-only", action="store_true",
                        help="only install and copy the assets into OUT/lib (for `present`)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    install_assets()
    copy_assets(out / "lib")
    if args.assets_only:
        return
    paths = [Path(p).resolve() for p in args.notebooks] or sorted(
        (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    decks = []
    for path in paths:
        began = time.perf_counter()
        print(f"{path.name}: executing ...", end=" ", flush=True)
        nb = execute(path)
        html_path = out / (path.stem + ".html")
        html_path.write_text(export(nb, path), encoding="utf-8")
        decks.append((html_path, title(nb)))
        print(f"deck written ({time.perf_counter() - began:.0f} s)", flush=True)
    if not args.no_pdf:
        print("printing the PDF handouts ...", flush=True)
        print_pdfs([deck for deck, _ in decks])
    write_index(out, decks, pdf=not args.no_pdf)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()
               and "node_modules" not in f.parts) / 1e6
    print(f"{len(decks)} decks in {out} ({size:.0f} MB with lib/), "
          f"{time.perf_counter() - start:.0f} s; open {out / 'index.html'}")


if __name__ == "__main__":
    main(sys.argv[1:])
