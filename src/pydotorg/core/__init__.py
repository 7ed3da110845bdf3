"""The shared kernel every domain builds on: the kit (controllers, resources, services,
queries, views, schemas, pagination), the errors domains raise, access rules and rate-limit
tiers, time and text helpers, feeds, workflows and the search declaration. It imports no other
package of the project (``tests/test_layers.py``)."""
