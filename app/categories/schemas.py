"""How the category taxonomy looks to API clients."""

from app.schemas import OutputModel
from app.tickets.vocabulary import Priority


class CategoryRead(OutputModel):
    code: str
    name: str
    default_priority: Priority
    children: list["CategoryRead"] = []
