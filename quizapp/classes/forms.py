"""Forms of classes: a class, joining, a co-instructor, an assigned quiz (with Moodle's review
options), a flashcard goal and a student's override. Dates are typed in the class's time zone."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..assignment_rules import (
    DEFAULT_REVIEW,
    GOAL_LABELS,
    GRADING_LABELS,
    PHASE_LABELS,
    REVIEW_ITEMS,
    Window,
    local_input,
    local_to_utc,
    window_problem,
)
from ..scheduling import time_zones
from ..services.classes import GoalSettings, QuizSettings
from ..validators import Between
from ..vocab import Mode
from ..web.forms import CheckboxList

LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class CourseForm(FlaskForm):
    name = StringField("Class name", validators=[InputRequired(), Length(max=100)])
    term = StringField(
        "Term (optional)",
        validators=[Optional(), Length(max=100)],
        description="Such as “Spring 2027”.",
    )
    timezone = SelectField(
        "Time zone",
        validators=[InputRequired()],
        description="Assignments open, are due and close at times in this zone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(name) for name in sorted(time_zones())]


class JoinForm(FlaskForm):
    code = StringField("Class code", validators=[InputRequired(), Length(max=40)])


class InstructorForm(FlaskForm):
    username = StringField("Instructor's username", validators=[InputRequired(), Length(max=40)])


def _date(label: str, required: bool = False, description: str = "") -> DateTimeLocalField:
    check = InputRequired() if required else Optional()
    return DateTimeLocalField(
        label, format=[LOCAL, LOCAL + ":%S"], validators=[check], description=description
    )


class DatedForm(FlaskForm):
    """Open, due and close dates in the class's time zone, checked in order."""

    opens_at = _date("Opens (optional)", description="Students see it before, but cannot start.")
    due_at = _date("Due (optional)", description="Later submissions (before the close) are late.")
    closes_at = _date(
        "Closes (optional)",
        description="No attempt runs past it: attempts still open are submitted then.",
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        problem = window_problem(Window(self.opens_at.data, self.due_at.data, self.closes_at.data))
        if problem:
            self.closes_at.errors = [*self.closes_at.errors, problem]
            return False
        return True


def review_field(phase: str, item: str) -> str:
    return f"review_{phase}_{item}"


class QuizAssignmentForm(DatedForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    banks = CheckboxList(
        "Banks", description="Draw from these banks; tick none (and choose no questions) for all."
    )
    questions = SelectMultipleField(
        "Or these questions only (optional)",
        coerce=int,
        description="Choose with Ctrl or Cmd held for several; these replace the banks.",
    )
    count = IntegerField(
        "Number of questions", default=10, validators=[InputRequired(), Between(1, 100)]
    )
    shuffle = BooleanField(
        "Shuffle: each student draws their own questions, in a random order", default=True
    )
    mode = RadioField(
        "Mode",
        choices=[
            SelectChoice(Mode.EXAM, "Exam: answers are marked when the attempt is submitted"),
            SelectChoice(Mode.PRACTICE, "Practice: each answer is checked as it is given"),
        ],
        default=Mode.EXAM,
        validators=[InputRequired()],
    )
    time_limit = IntegerField(
        "Time limit in minutes (exam only, optional)", validators=[Optional(), Between(1, 600)]
    )
    attempts_allowed = IntegerField(
        "Attempts allowed",
        default=1,
        validators=[InputRequired(), Between(0, 100)],
        description="0 for unlimited.",
    )
    grading_method = SelectField(
        "Grading method",
        choices=[SelectChoice(key.value, label) for key, label in GRADING_LABELS.items()],
        validators=[InputRequired()],
        description="Which attempts make the grade when several are allowed.",
    )

    def validate_time_limit(self, field) -> None:
        if field.data and self.mode.data != Mode.EXAM:
            raise ValidationError("A time limit applies to exams only.")

    def settings(self, zone: str) -> QuizSettings:
        """The assignment as posted, its dates in UTC."""
        return QuizSettings(
            title=self.title.data,
            banks=self.banks.data or [],
            question_ids=self.questions.data or [],
            count=self.count.data,
            shuffle=self.shuffle.data,
            mode=self.mode.data,
            time_limit_minutes=self.time_limit.data if self.mode.data == Mode.EXAM else None,
            opens_at=local_to_utc(self.opens_at.data, zone),
            due_at=local_to_utc(self.due_at.data, zone),
            closes_at=local_to_utc(self.closes_at.data, zone),
            attempts_allowed=self.attempts_allowed.data,
            grading_method=self.grading_method.data,
            review=self.review_options(),
        )

    def fill(self, assignment, zone: str) -> None:
        """Show a saved assignment, its dates in the class's time zone."""
        for name in ("title", "count", "shuffle", "mode", "attempts_allowed", "grading_method"):
            self[name].data = getattr(assignment, name)
        self.banks.data, self.questions.data = assignment.banks, assignment.question_ids
        self.time_limit.data = assignment.time_limit_minutes
        for name in ("opens_at", "due_at", "closes_at"):
            self[name].data = local_input(getattr(assignment, name), zone)
        self.show_review(assignment.review)

    def review_rows(self):
        """(phase label, [(item label, field)]) for the review options table."""
        return [
            (label, [(name, self[review_field(phase, key)]) for key, name in REVIEW_ITEMS.items()])
            for phase, label in PHASE_LABELS.items()
        ]

    def review_options(self) -> dict[str, list[str]]:
        return {
            phase.value: [key for key in REVIEW_ITEMS if self[review_field(phase, key)].data]
            for phase in PHASE_LABELS
        }

    def show_review(self, review: dict) -> None:
        for phase in PHASE_LABELS:
            for key in REVIEW_ITEMS:
                self[review_field(phase, key)].data = key in review.get(phase.value, ())


# Moodle's grid of review options: one tick box per phase and item.
for _phase, _phase_label in PHASE_LABELS.items():
    for _key, _item_label in REVIEW_ITEMS.items():
        setattr(
            QuizAssignmentForm,
            review_field(_phase, _key),
            BooleanField(
                f"{_item_label}: {_phase_label.lower()}",
                default=_key in DEFAULT_REVIEW[_phase.value],
            ),
        )


class GoalForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    deck = SelectField("Deck", validators=[InputRequired()])
    target = RadioField(
        "Target",
        choices=[SelectChoice(key.value, label) for key, label in GOAL_LABELS.items()],
        default=next(iter(GOAL_LABELS)).value,
        validators=[InputRequired()],
    )
    opens_at = _date("Counts reviews from (optional)", description="Default: when it is set.")
    due_at = _date("Due", required=True)

    def validate_due_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("The due date must come after the start.")

    def settings(self, zone: str) -> GoalSettings:
        return GoalSettings(
            title=self.title.data,
            deck=self.deck.data,
            target=self.target.data,
            opens_at=local_to_utc(self.opens_at.data, zone),
            due_at=local_to_utc(self.due_at.data, zone),
        )

    def fill(self, assignment, zone: str) -> None:
        self.title.data, self.target.data = assignment.title, assignment.target
        self.deck.data = assignment.deck.slug if assignment.deck else None
        self.opens_at.data = local_input(assignment.opens_at, zone)
        self.due_at.data = local_input(assignment.due_at, zone)


class OverrideForm(FlaskForm):
    closes_at = _date(
        "Close date for this student (optional)",
        description="Also their due date: they are not late before it.",
    )
    extra_minutes = IntegerField(
        "Extra time in minutes", default=0, validators=[InputRequired(), Between(0, 1000)]
    )
    extra_attempts = IntegerField(
        "Extra attempts", default=0, validators=[InputRequired(), Between(0, 100)]
    )
