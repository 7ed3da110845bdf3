"""python.org's ``/api/v2/`` (Django REST framework): bare arrays, absolute hyperlinks."""
