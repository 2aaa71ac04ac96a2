"""The real app, set up for a test."""

import dataclasses
import json
from typing import Any, TypeVar

from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from app import intake
from app.config import Settings
from app.main import build_resources, configure_process, create_app
from app.resources import ResourceKey, Resources

T = TypeVar("T")

# One app per distinct settings in the process: FastAPI works out each route's
# dependencies on an app's first requests (a fifth of a second an app), which thousands
# of tests would otherwise pay again. Each test still gets fresh resources (`fresh_app`).
_APPS: dict[str, FastAPI] = {}


def _key(settings: Settings) -> str:
    def plain(value: object) -> str:
        return value.get_secret_value() if isinstance(value, SecretStr) else str(value)

    fields = {name: getattr(settings, name) for name in type(settings).model_fields}
    return json.dumps(fields, default=plain, sort_keys=True)


def fresh_app(settings: Settings) -> FastAPI:
    """The app for `settings`, with resources no test has used: empty caches, rate
    limits and credentials, maps loaded anew."""
    app = _APPS.get(_key(settings))
    if app is None:
        app = _APPS[_key(settings)] = create_app(settings)
    configure_process(settings)
    app.state.resources = build_resources(settings, resources(app).database.engine)
    return app


def app_with(settings: Settings, session_factory: sessionmaker[Session], **changes: Any) -> FastAPI:
    """A fresh app for `settings` with `changes`, its work inside the test's transaction."""
    changed = settings.model_copy(update=changes) if changes else settings
    return in_test_transaction(fresh_app(changed), session_factory)


def resources(app: FastAPI) -> Resources:
    found: Resources = app.state.resources
    return found


def set_resources(app: FastAPI, **changes: Any) -> Resources:
    """Replace some of the app's resources' fields (the credential cache) for a test."""
    app.state.resources = dataclasses.replace(resources(app), **changes)
    return resources(app)


def set_resource(app: FastAPI, key: ResourceKey[T], value: T) -> T:
    """Replace the app's object under `key` (a rate limiter, a grid locator) for a test."""
    app.state.resources = resources(app).holding(key, value)
    return value


def in_test_transaction(app: FastAPI, session_factory: sessionmaker[Session]) -> FastAPI:
    """`app`, its database work (the intakes' commit group included) inside the test's
    transaction, which the test rolls back."""
    database = resources(app).database
    shared = database.shared_commit
    set_resources(
        app,
        database=dataclasses.replace(
            database,
            session_factory=session_factory,
            shared_commit=None
            if shared is None
            else intake.shared_commit(session_factory.kw["bind"]),
        ),
    )
    return app
