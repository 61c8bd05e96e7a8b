"""Execute the notebooks on an outputs folder and write them as HTML pages (``make report``).

    python notebooks/build_report.py [--outputs outputs] [--report outputs/report] [NOTEBOOK...]

Each notebook (default: every ``notebooks/NN_*.ipynb``) runs headless in a kernel of the Python
running this script, with ``notebooks/`` as its working directory and ``NEWSFACTS_OUTPUTS`` set to
the outputs folder. The executed copy is exported with nbconvert's HTMLExporter to
``REPORT/NAME.html`` (figures embedded), and ``REPORT/index.html`` links them; the committed
``.ipynb`` files are not touched. The Chinese text of a page is drawn with the packaged Noto Sans
CJK font, subset to the characters of that page and embedded (WOFF), so a browser without a CJK
system font shows no empty boxes either. A cell that fails stops that notebook: its page is still
written, up to and including the error, and the script exits with status 1.
"""
from __future__ import annotations

import argparse
import base64
import html
import io
import os
import sys
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent
REPO = NOTEBOOKS.parent


def kernel_manager_class():
    """A kernel manager class whose kernel is ``sys.executable -m ipykernel_launcher``.

    Not the ``python3`` kernelspec found on the Jupyter path, which may belong to another
    Python: the notebooks must run with the interpreter that has this project installed.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    spec = KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name=f"Python ({sys.executable})", language="python", metadata={}, env={},
    )

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return spec

    class ThisPythonKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return ThisPython(data_dir=self.data_dir)

    return ThisPythonKernelManager


def execute_notebook(path: str | os.PathLike, outputs: str | os.PathLike, timeout: int = 300):
    """Run the notebook at ``path`` on the tables in ``outputs``; returns the executed notebook.

    Raises ``nbclient.exceptions.CellExecutionError`` at the first failing cell; the error's
    ``nb`` attribute (set here) holds the notebook executed up to that cell.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_manager_class=kernel_manager_class(), timeout=timeout, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    env = dict(os.environ, NEWSFACTS_OUTPUTS=str(Path(outputs).resolve()))
    try:
        client.execute(cwd=str(path.parent), env=env)
    except CellExecutionError as exc:
        exc.nb = nb
        raise
    return nb


def to_html(nb) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body


CJK_FACE = "Noto Sans CJK SC"  # the Simplified Chinese face of the packaged collection
EMBEDDED_FAMILY = "newsfacts CJK"


def cjk_font_css(text: str) -> str:
    """A <style> with the packaged CJK font subset to the non-ASCII characters of ``text``."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    sys.path.insert(0, str(NOTEBOOKS))
    import nbsupport

    chars = {ord(c) for c in text if ord(c) > 127}  # never ASCII: see the font stacks below
    if not chars:
        return ""
    path = str(nbsupport.cjk_font_path())
    names = [f["name"].getDebugName(1) for f in TTCollection(path, lazy=True).fonts]
    font = TTFont(path, fontNumber=names.index(CJK_FACE) if CJK_FACE in names else 0, lazy=False)
    options = subset.Options()
    options.flavor = "woff"  # zlib: no extra package needed
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    # The embedded face comes first: Chromium left runs of Han characters as empty boxes when it was
    # a fallback after the system faces. It holds no ASCII, so Latin text still uses the faces after
    # it (bold is synthesized from the one face).
    sans = f'"{EMBEDDED_FAMILY}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif'
    mono = f'"{EMBEDDED_FAMILY}", Menlo, Consolas, "DejaVu Sans Mono", monospace'
    return (
        "<style>\n/* Noto Sans CJK SC (SIL Open Font License 1.1), subset to this page's characters */\n"
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); font-display: block; }}\n'
        f":root {{ --jp-content-font-family: {sans}; --jp-ui-font-family: {sans}; --jp-code-font-family: {mono}; }}\n"
        f"body {{ font-family: {sans}; }}\n</style>\n"
    )


def with_cjk_font(page: str) -> str:
    """The page with ``cjk_font_css`` put at the end of its <head>."""
    css = cjk_font_css(page)
    return page.replace("</head>", css + "</head>", 1) if css and "</head>" in page else page


def main(argv: list[str] | None = None) -> int:
    from nbclient.exceptions import CellExecutionError

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", default=str(REPO / "outputs"), help="tables written by `newsfacts run` (default: outputs)")
    parser.add_argument("--report", default=None, help="where the HTML pages go (default: OUTPUTS/report)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell")
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/NN_*.ipynb)")
    args = parser.parse_args(argv)

    outputs = Path(args.outputs).resolve()
    report = Path(args.report).resolve() if args.report else outputs / "report"
    paths = [Path(p) for p in args.notebooks] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        print(f"no notebooks found in {NOTEBOOKS}", file=sys.stderr)
        return 2
    report.mkdir(parents=True, exist_ok=True)
    failed, links = [], []
    for path in paths:
        start = time.monotonic()
        try:
            nb, status = execute_notebook(path, outputs, args.timeout), "ok"
        except CellExecutionError as exc:
            nb, status = exc.nb, "FAILED"
            failed.append(path.name)
            print(f"{path.name}: a cell failed\n{exc}", file=sys.stderr)
        page = report / f"{path.stem}.html"
        tmp = page.with_suffix(".html.tmp")
        tmp.write_text(with_cjk_font(to_html(nb)), encoding="utf-8")
        tmp.replace(page)
        links.append((page.name, path.stem, status))
        print(f"{status:6} {path.name} -> {page} ({time.monotonic() - start:.1f} s)")
    items = "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(name)}</a> {html.escape(status)}</li>'
                      for href, name, status in links)
    (report / "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>newsfacts report</title></head>\n'
        f"<body><h1>newsfacts report</h1><p>Tables: {html.escape(str(outputs))}</p>\n<ul>\n{items}\n</ul></body></html>\n",
        encoding="utf-8",
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
