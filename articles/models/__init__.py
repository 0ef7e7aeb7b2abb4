"""The articles app's models, one module per subject:

- `policy`: the editorial policy the workflow reads, and its versions;
- `workflow`: the workflow's exceptions, the conditions a transition checks
  first, and the article's standing in words;
- `article`: the article and its transitions;
- `revision`: revisions and their references, frozen once submitted;
- `audit`: the append-only audit trail;
- `due_dates`: reminders sent about authors' revision due dates;
- `notices`: corrections, updates and retractions shown on a published article;
- `source_alerts`: retractions, corrections and concerns found about cited studies;
- `discussion`: threads about an article and their messages;
- `glossary` and `reader_questions`: the glossary and readers' messages;
- `sources`: PubMed's and Crossref's cached answers about references, and
  what the submission check found for each reference.

Imports run one way (policy <- workflow <- article <- revision <- audit), so
a module reaches a model defined after it through a relation instead.
"""

from ..states import (
    EDITABLE_STATES,
    PUBLIC_STAGE_OF_STATE,
    ArticleState,
    DiscussionAudience,
    PublicStage,
)
from .article import Article
from .audit import AuditEntry, review_records_hidden_from
from .discussion import Discussion, DiscussionMessage, DiscussionReading
from .due_dates import RevisionReminderSent
from .glossary import GlossaryTerm
from .notices import ArticleNotice, NoticeKind
from .policy import (
    SETTING_FIELDS,
    CitationStyle,
    EditorialPolicy,
    PolicyChanged,
    PolicyVersion,
    PublicFrom,
)
from .reader_questions import ReaderQuestion
from .revision import AUDIENCE_FIELDS, Certainty, Reference, Revision, StudyType
from .source_alerts import SOURCE_ALERT_SEVERITY, SourceAlert, SourceAlertKind
from .sources import UNSETTLED_CHECK_STATUSES, CheckStatus, ReferenceCheck, SourceResponse
from .workflow import ArticleChanged, FrozenRevisionError, TransitionRefused

__all__ = [
    "AUDIENCE_FIELDS",
    "EDITABLE_STATES",
    "PUBLIC_STAGE_OF_STATE",
    "SETTING_FIELDS",
    "SOURCE_ALERT_SEVERITY",
    "UNSETTLED_CHECK_STATUSES",
    "Article",
    "ArticleChanged",
    "ArticleNotice",
    "ArticleState",
    "AuditEntry",
    "Certainty",
    "CheckStatus",
    "CitationStyle",
    "Discussion",
    "DiscussionAudience",
    "DiscussionMessage",
    "DiscussionReading",
    "EditorialPolicy",
    "FrozenRevisionError",
    "GlossaryTerm",
    "NoticeKind",
    "PolicyChanged",
    "PolicyVersion",
    "PublicFrom",
    "PublicStage",
    "ReaderQuestion",
    "Reference",
    "ReferenceCheck",
    "Revision",
    "RevisionReminderSent",
    "SourceAlert",
    "SourceAlertKind",
    "SourceResponse",
    "StudyType",
    "TransitionRefused",
    "review_records_hidden_from",
]
