"""python.org's ``/api/v1/`` (Tastypie): ``{meta, objects}`` lists, relative URIs."""
