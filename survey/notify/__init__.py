"""Staff notifications: what goes into the outbox (delivery lives in ``survey.outbox``)."""
