"""What rendering a body costs, by markup type and size: why bodies render on write, off the loop.

    .venv/bin/python bench/markup_render.py

Renders generated bodies (headings, paragraphs with emphasis and links, lists, code blocks) of
about 1 KB, 10 KB and 100 KB (the largest a content body may be) with ``content.markup.rendered``
(render + sanitise), five times each, and prints the median wall time per body. A read never
pays this: ``content_html`` is stored; a write pays it once, on a worker thread.
"""

from __future__ import annotations

import statistics
import time

from pydotorg.content.markup import Markup, rendered

SECTION = {
    Markup.MARKDOWN: (
        "## Section {n}\n\nSome *emphasis*, a [link](https://www.python.org/) and `code`.\n\n"
        "- one\n- two\n\n```python\nprint({n})\n```\n\n"
    ),
    Markup.RESTRUCTUREDTEXT: (
        "Section {n}\n===========\n\nSome *emphasis*, a `link <https://www.python.org/>`_ "
        "and ``code``.\n\n- one\n- two\n\n::\n\n    print({n})\n\n"
    ),
    Markup.HTML: (
        "<h2>Section {n}</h2><p>Some <em>emphasis</em>, a "
        '<a href="https://www.python.org/">link</a> and <code>code</code>.</p>'
        "<ul><li>one</li><li>two</li></ul><pre><code>print({n})</code></pre>\n"
    ),
}


def body(markup: Markup, size: int) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(SECTION[markup].format(n=len(parts)))
    return "".join(parts)[:size]


def main() -> None:
    print(f"{'markup':18} {'1 KB':>10} {'10 KB':>10} {'100 KB':>10}   (median of 5, ms)")
    for markup in Markup:
        cells = []
        for size in (1_000, 10_000, 100_000):
            text = body(markup, size)
            times = []
            for _ in range(5):
                start = time.perf_counter()
                rendered(text, markup)
                times.append(time.perf_counter() - start)
            cells.append(f"{statistics.median(times) * 1000:10.1f}")
        print(f"{markup.value:18} {' '.join(cells)}")


if __name__ == "__main__":
    main()
