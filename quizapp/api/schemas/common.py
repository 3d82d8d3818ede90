"""Models and types several areas of the API share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

# Text from a client: no NUL (PostgreSQL cannot store it), bounded.
Slug = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
Text = Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")]
# Stored times are naive UTC; the API says so (RFC 3339 with Z).
Moment = Annotated[
    datetime,
    PlainSerializer(
        lambda moment: moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z"),
        return_type=str,
        when_used="json",
    ),
    Field(json_schema_extra={"format": "date-time"}),
]


def _integral(value):
    """JSON has numbers, not integers: 7.0 is the integer 7 (as JSON Schema says); 7.5, "7"
    and true are not integers and are refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole(least: int, most: int):
    """An integer within bounds in a request body (the bounds come first, so they reach the
    JSON Schema as minimum and maximum)."""
    return Annotated[int, Field(ge=least, le=most), BeforeValidator(_integral)]


Id = whole(0, 2**31 - 1)


class Request(BaseModel):
    """A request body: strict JSON (a number is a number), no unknown members."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Query(BaseModel):
    """A query string: values arrive as text and are converted; unknown names are refused."""

    model_config = ConfigDict(extra="forbid")
