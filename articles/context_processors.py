from functools import cached_property

from accounts.context_processors import person

from .models import ReaderQuestion


class WorkCounts:
    """Counts the header shows beside its links, each counted only when a
    page draws that link (editors' pages, for the reader questions)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def reader_questions(self) -> int:
        return ReaderQuestion.objects.unanswered_for(self.user).count()


def work_counts(request) -> dict:
    return {"work_counts": WorkCounts(person(request))}
