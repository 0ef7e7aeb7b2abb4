from django.dispatch import Signal

# Sent by Article.fire() inside the transition's transaction, after its audit
# entry is written: receivers' writes commit or roll back with the transition.
# Arguments: article, name, actor, comment, entry.
article_transitioned = Signal()
