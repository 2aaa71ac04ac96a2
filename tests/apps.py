"""The real app, set up for a test."""

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from app.commit_group import CommitGroup


def in_test_transaction(app: FastAPI, session_factory: sessionmaker[Session]) -> FastAPI:
    """`app`, its database work (the intakes' commit group included) inside the test's
    transaction, which the test rolls back."""
    app.state.session_factory = session_factory
    if app.state.commit_group is not None:
        app.state.commit_group = CommitGroup(session_factory.kw["bind"])
    return app
