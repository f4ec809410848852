"""Declared shapes of the JSON the service takes and gives (pydantic v2 models).

One source for request validation and for the OpenAPI document's schemas
(``survey/public/openapi.py``): ``intake`` for case intake, ``problem`` for errors,
``reference`` for the agency and service lists, ``open_data`` for published snapshots.
"""
