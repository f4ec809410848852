"""Admin views, one module per resource; importing them registers their routes on ``bp``."""

from survey.admin.routes import (  # noqa: F401
    agencies,
    api_keys,
    audit,
    cases,
    home,
    imports,
    peer_groups,
    privacy,
    questions,
    schedule,
    services,
    users,
)
