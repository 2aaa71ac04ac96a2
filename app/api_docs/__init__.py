"""The API's description of itself: the OpenAPI document completed from the routes
(every problem each operation may answer), readable operation ids, the tags' texts, and
the /docs and /redoc pages served with assets from installed packages."""

from app.api_docs.document import install_openapi
from app.api_docs.operation_ids import operation_id
from app.api_docs.pages import install_pages
from app.api_docs.tags import TAGS

__all__ = ["TAGS", "install_openapi", "install_pages", "operation_id"]
