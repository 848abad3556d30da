"""Community questions and feedback: ask, give feedback or join without an account, and hear back."""

from .demo import seed_demo
from .models import MODELS
from .views import blueprint

__all__ = ["blueprint", "MODELS", "seed_demo"]
