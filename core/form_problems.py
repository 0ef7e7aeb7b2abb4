"""What went wrong with the forms on a page, for the error summary every page
shows (templates/core/_error_summary.html, asked for by base.html through
core.templatetags.form_errors)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.forms import BaseForm, BaseFormSet


@dataclass(frozen=True)
class FormProblem:
    message: str
    # "#id_<field>": the field the link jumps to; empty when there is none to show.
    anchor: str = ""


def _failed_forms(value, depth=0):
    # type(), not isinstance(): isinstance() would evaluate lazy context values
    # such as `user` (a query on pages whose query count is asserted).
    kind = type(value)
    if issubclass(kind, BaseFormSet):
        if value.is_bound and not value.is_valid():
            yield value
    elif issubclass(kind, BaseForm):
        if value.is_bound and value.errors:
            yield value
    elif depth < 2 and kind in (list, tuple, dict):
        # Pages with several forms keep them in a list of (action, form) pairs.
        for item in value.values() if kind is dict else value:
            yield from _failed_forms(item, depth + 1)


def _field_anchor(bound_field) -> str:
    if bound_field.is_hidden:
        return ""
    # Radio buttons and checkbox lists have no single id: point at the first choice.
    target = bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")
    return f"#{target}" if target else ""


def _form_problems(form: BaseForm):
    # A problem with the whole form (a wrong password at sign-in) links to the
    # form's first field, so the link still takes the reader back to the form.
    first = next((_field_anchor(f) for f in form.visible_fields()), "")
    for message in form.non_field_errors():
        yield FormProblem(message, first)
    for name, errors in form.errors.items():
        if name not in form.fields:
            continue
        bound_field = form[name]
        anchor = _field_anchor(bound_field)
        for message in errors:
            if anchor and bound_field.label:
                yield FormProblem(f"{bound_field.label}: {message}", anchor)
            else:
                yield FormProblem(message, anchor)


def problems_in(context: dict) -> list[FormProblem]:
    """Every problem of every failed form in a template context, in the order
    shown, then any `page_problems` a view without a Django form passed."""
    problems: list[FormProblem] = []
    seen: set[int] = set()
    for value in context.values():
        for failed in _failed_forms(value):
            if id(failed) in seen:
                continue
            seen.add(id(failed))
            if isinstance(failed, BaseFormSet):
                problems.extend(FormProblem(m) for m in failed.non_form_errors())
                for form in failed.forms:
                    problems.extend(_form_problems(form))
            else:
                problems.extend(_form_problems(failed))
    extra = context.get("page_problems")
    if type(extra) is list:
        problems.extend(p for p in extra if type(p) is FormProblem)
    # The same message twice (two forms sharing a problem) helps nobody.
    return list(dict.fromkeys(problems))


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that fed it: each message
    on its field when the form has that field, otherwise on the whole form."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
