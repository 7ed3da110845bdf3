"""Every content resource's tables, each from its own subpackage."""

from pydotorg.content.blogs import models as blogs
from pydotorg.content.pages import models as pages
from pydotorg.content.posts import models as posts
from pydotorg.content.stories import models as stories

__all__ = ["blogs", "pages", "posts", "stories"]
