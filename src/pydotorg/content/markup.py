"""Bodies written in Markdown, reStructuredText or HTML, rendered once, on write, to safe HTML.

A resource with a body keeps what its author wrote (``content``, and its ``content_type``) and
the HTML made from it (``content_html``), rendered when it is written, never per read:

- Markdown with markdown-it-py's CommonMark preset;
- reStructuredText with docutils, with file inclusion and the ``raw`` directive off, and
  without its error reports in the output (a body is text, not a document to debug);
- HTML as written.

Every result then passes :func:`~pydotorg.core.text.sanitize` (nh3, ammonia's rules):
scripts, styles, event handlers, ``javascript:`` and other unknown URL schemes, forms and
frames are removed; links get ``rel="noopener noreferrer"``. Text that is not HTML at all (a
feed's plain summary) is escaped with :func:`html.escape` by its caller, never sanitised.
"""

from __future__ import annotations

import enum
import html
from typing import Any

import nh3
from anyio import to_thread
from docutils.core import publish_parts
from markdown_it import MarkdownIt

from pydotorg.content.render_pool import render_pool
from pydotorg.core.exceptions import FieldError
from pydotorg.core.text import sanitize


class Markup(enum.StrEnum):
    """What a body is written in."""

    MARKDOWN = "markdown"
    RESTRUCTUREDTEXT = "restructuredtext"
    HTML = "html"


_MARKDOWN = MarkdownIt("commonmark")
_RST_SETTINGS: dict[str, Any] = {
    "file_insertion_enabled": False,  # no ``include``, no ``csv-table :file:``
    "raw_enabled": False,  # no ``raw:: html``
    "report_level": 5,  # no system messages in the output
    "halt_level": 5,  # never stop on a malformed body
    "doctitle_xform": False,  # a leading title stays in the body
    "input_encoding": "unicode",
    "_disable_config": True,  # no docutils.conf from the server's working directory
    "syntax_highlight": "none",
    "embed_stylesheet": False,
    "warning_stream": False,
}


def render(content: str, content_type: Markup | str) -> str:
    """``content`` as safe HTML."""
    markup = Markup(content_type)
    if markup is Markup.MARKDOWN:
        html = _MARKDOWN.render(content)
    elif markup is Markup.RESTRUCTUREDTEXT:
        parts = publish_parts(source=content, writer="html5", settings_overrides=_RST_SETTINGS)
        html = str(parts["body"])
    else:
        html = content
    return sanitize(html)


def rendered(content: str, content_type: Markup | str, field: str = "content") -> str:
    """:func:`render`, or a 422 naming ``field`` when a renderer gives up on the body (one
    nested too deep for docutils): a renderer's failure is the body's, never a 500."""
    try:
        return render(content, content_type)
    except Exception as exc:
        raise FieldError(field, f"cannot be rendered as {content_type}") from exc


async def render_off_loop(content: str, content_type: Markup | str) -> str:
    """:func:`rendered` in a server's worker process, within the render budget
    (``content.render_pool``): a body may take seconds of CPU, which must neither stop the event
    loop's other requests nor run on unbounded. In a command, on a thread. Timed for
    ``core.metrics``, imported here rather than at the top: render workers import this module,
    and must not open metric files of their own."""
    from pydotorg.core.metrics import RENDER_SECONDS

    with RENDER_SECONDS.time():
        pool = render_pool()
        if pool is None:  # a command's own bodies (the seed, an import): no server to answer
            return await to_thread.run_sync(rendered, content, content_type)
        return await to_thread.run_sync(pool.render, content, str(content_type))


def text_of(html_text: str) -> str:
    """The words of (sanitised) HTML without its tags: what the search index reads."""
    return html.unescape(nh3.clean(html_text, tags=set()))
