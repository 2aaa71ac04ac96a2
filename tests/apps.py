"""The real app, set up for a test."""

import dataclasses
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from app import intake
from app.resources import Resources


def resources(app: FastAPI) -> Resources:
    found: Resources = app.state.resources
    return found


def set_resources(app: FastAPI, **changes: Any) -> Resources:
    """Replace some of the app's resources (a rate limiter, a grid locator) for a test."""
    app.state.resources = dataclasses.replace(resources(app), **changes)
    return resources(app)


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
