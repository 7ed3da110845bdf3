"""The HTTP serving layers the app assembles around the domains: the edge, CORS, HTTP and
response caching, request ids, request bodies and error answers, health checks, the OpenAPI
document and its docs pages, and the endpoints' configuration at start-up. No domain imports
them; ``app.py`` does (``tests/test_layers.py``)."""
