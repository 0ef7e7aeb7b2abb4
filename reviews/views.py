from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from articles.models import ArticleChanged, ArticleState, TransitionRefused
from articles.views import get_article_for

from .forms import SignoffForm
from .services import board_signoff_record


@login_required
def signoff(request, pk: int):
    article = get_article_for(request.user, pk)
    if article.state != ArticleState.BOARD_REVIEW:
        raise PermissionDenied(
            f"This article is “{article.get_state_display()}”, not awaiting board sign-off."
        )
    if not request.user.has_perm("accounts.sign_off_articles"):
        raise PermissionDenied("Only Advisory Board members can sign off articles.")
    revision = article.current_revision
    form = SignoffForm(request.POST or None, initial={"seen_revision": revision.pk})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                article = board_signoff_record(
                    article=article,
                    member=request.user,
                    password=form.cleaned_data["password"],
                    seen_revision_id=form.cleaned_data["seen_revision"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except (ArticleChanged, TransitionRefused) as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                if article.state == ArticleState.APPROVED:
                    messages.success(
                        request, "Signed. That completed the quorum: the article is approved."
                    )
                else:
                    messages.success(request, "Signed. The article awaits further board sign-offs.")
                return redirect(article)
    return render(
        request,
        "reviews/signoff.html",
        {"article": article, "revision": revision, "form": form},
        status=status,
    )
