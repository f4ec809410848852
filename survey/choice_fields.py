"""Form fields shared by the staff areas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

CHOOSE_FROM_LIST = _l("Choose only from the list.")


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes: usable without JavaScript or Ctrl/⌘-clicks."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("invalid_choice_message", CHOOSE_FROM_LIST)
        kwargs.setdefault("invalid_value_message", CHOOSE_FROM_LIST)  # not even a number
        super().__init__(*args, **kwargs)
