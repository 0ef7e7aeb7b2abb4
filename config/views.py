from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def health(request):
    """For load balancers and the benchmark's baseline: no database, no templates."""
    return HttpResponse("ok", content_type="text/plain")
