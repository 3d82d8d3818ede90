"""Banks: the catalogue, and an instructor's check, upload, preview and confirm."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..problems import ProblemItem
from .common import Moment, Request

FileName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
FileText = Annotated[str, StringConstraints(max_length=8_000_000, pattern=r"^[^\x00]*$")]


class BankEntry(BaseModel):
    id: str = Field(description="The bank's id, as in its file (`bank: id:`).")
    title: str
    summary: str
    questions: int
    cards: int


class Banks(BaseModel):
    banks: list[BankEntry] = Field(description="Active banks, in their order.")


class BankDetail(BankEntry):
    types: dict[str, int] = Field(description="Questions per type.")
    tags: list[str]


class BankFileText(Request):
    name: FileName = Field(description="The file name: .yaml, .yml, .json or .gift.")
    text: FileText = Field(description="The file's text (UTF-8), at most 2 MB as stored.")


EXAMPLE_BANK = """bank:
  id: api-example
  title: An example bank
  summary: Uploaded through the API.
questions:
  - id: boiling-point
    type: true_false
    prompt: Water boils at 100 °C at sea level.
    answer: true
    explanation: At one atmosphere it does.
"""


class BankFiles(Request):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"files": [{"name": "example.yaml", "text": EXAMPLE_BANK}]}]
        }
    )

    files: list[BankFileText] = Field(min_length=1, max_length=20)


class CheckedBank(BaseModel):
    id: str
    title: str
    questions: int
    cards: int


class BankCheck(BaseModel):
    """Bank files that pass every check (with problems they are a 422 problem instead)."""

    files: int
    banks: list[CheckedBank]
    warnings: list[ProblemItem]


class ChangedQuestion(BaseModel):
    key: str = Field(description="<bank id>/<question id>")
    diff: list[str] = Field(description="A unified diff of the question, before and after.")
    answered: int = Field(
        description="Students who answered the version it replaces (a regrade can follow)."
    )


class NewQuestion(BaseModel):
    key: str
    bank: str
    type: str
    prompt: str | None


class UploadPreview(BaseModel):
    """What confirming the upload would change; confirm with its `state`."""

    id: int
    created_at: Moment
    applied: bool
    summary: str | None = Field(description="What the import did, once applied.")
    state: str | None = Field(description="The banks' state this preview was made from.")
    banks: list[CheckedBank]
    added: list[str]
    updated: list[str]
    retired: list[str]
    unchanged: int
    banks_added: list[str]
    banks_retired: list[str]
    changed: list[ChangedQuestion] = Field(description="Diffs of the first changed questions.")
    more_changed: int
    new_questions: list[NewQuestion] = Field(description="The first new questions.")
    more_new: int
    changed_since_upload: list[str] = Field(description="Banks another import changed since.")
    warnings: list[ProblemItem]


class ConfirmUpload(Request):
    state: Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9a-f]*$")] = Field(
        description="The `state` of the preview being confirmed."
    )


class ImportDone(BaseModel):
    imported: bool = Field(description="False: this upload had been imported already.")
    summary: str
    added: int
    updated: int
    retired: int
    unchanged: int
    banks_added: list[str]
    banks_retired: list[str]
    messages: list[str]
