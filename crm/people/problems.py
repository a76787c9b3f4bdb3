"""Why a value was refused, in a form that can be stored and shown later in the reader's language."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason a value was refused.

    `code` names the rule, `field` the column or field as the person who sent it calls it
    (`No KTP`, `nik`), shown in a column of its own beside the message, and `template` is a lazy_gettext
    message using `params` (it does not repeat the field).
    Only code, field and params are stored; crm/leads/reasons.py finds the template again by code.
    """

    code: str
    field: str
    template: Any = field(compare=False, repr=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return str(self.template) % {"field": self.field, **self.params}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "params": dict(self.params)}


class Refused(ValueError):
    """A value that breaks a rule; carries the Problem to show."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem
