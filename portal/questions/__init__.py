"""Community questions and feedback: ask, give feedback or join without an account, and hear back."""

from . import retention
from .demo import seed_demo
from .models import MODELS
from .views import blueprint


def init_app(app) -> None:
    """Add `flask retention`."""
    app.cli.add_command(retention.cli)


__all__ = ["blueprint", "MODELS", "init_app", "seed_demo"]
