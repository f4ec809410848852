from tests.delivery.conftest import delivering, gateway  # noqa: F401 (fixtures)
