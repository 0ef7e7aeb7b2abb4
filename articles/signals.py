from django.dispatch import Signal

# Sent by Article.fire() inside the transition's transaction, after its audit
# entry is written: receivers' writes commit or roll back with the transition.
# Arguments: article, name, actor, comment, entry.
article_transitioned = Signal()

# Sent when an approved article is flagged for re-review (its periodic date
# came, or an editor reopened it over a reader's report), inside that
# change's transaction: the public page may now say "review overdue".
# Arguments: article.
rereview_opened = Signal()

# Sent when an editor attaches a correction, update or retraction notice to
# a published article, inside that transaction: the public page, its feed
# entries and its history must show it. Arguments: article, notice.
notice_issued = Signal()

# Sent when the retraction watch raises an alert on a reference of a
# published article, or an editor clears one, inside that transaction: the
# public page marks the reference (or stops). Arguments: article, alert.
source_alert_changed = Signal()
