"""Every content resource's routes, each from its own subpackage."""

from pydotorg.content.blogs.controllers import ROUTES as BLOG_ROUTES
from pydotorg.content.pages.controllers import ROUTES as PAGE_ROUTES
from pydotorg.content.posts.controllers import ROUTES as POST_ROUTES
from pydotorg.content.stories.controllers import ROUTES as STORY_ROUTES

ROUTES = [*PAGE_ROUTES, *BLOG_ROUTES, *STORY_ROUTES, *POST_ROUTES]
