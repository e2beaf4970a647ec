"""The staff console at /console/: server-rendered pages over reflection/ (review, staff, audit, dashboard,
exports), mounted by web/app.py with ``app.include_router(console.router)``.

Its lifespan starts the ingest worker, which anonymizes consented conversations and answers in the
background of the web app's process (reflection/ingest.py)."""

from web.console.views import router

__all__ = ["router"]
