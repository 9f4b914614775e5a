"""Uninitialised Flask extensions, bound to the app in create_app()."""
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect

from models import Base

from .signals import session_committed


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, sending session_committed after each commit, with the session usable again
    (SQLAlchemy's own after_commit may not emit SQL). Commits made by the receivers do not send it again
    while they run: a receiver that queues more work loops over it itself."""

    def commit(self) -> None:
        super().commit()
        if self.info.get("committing_hooks"):
            return
        self.info["committing_hooks"] = True
        try:
            session_committed.send(self)
        finally:
            self.info["committing_hooks"] = False


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
bootstrap = Bootstrap5()
