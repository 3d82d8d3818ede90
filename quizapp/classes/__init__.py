"""The classes blueprint: views.py (students: my classes, joining, assignments) defines it;
importing teaching.py adds the instructors' pages to it."""

from . import teaching  # noqa: F401
