"""Footer labels in the interface language.

Textual bindings carry a fixed description; a screen that switches language rewrites the
descriptions of its own bindings here (one place that touches Textual's binding map)."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from simulator.tui.i18n import t


def localize_bindings(node: DOMNode, lang: str, labels: dict[str, str]) -> None:
    """Give each binding of `node` whose action is in `labels` the string `labels[action]`
    in `lang`, and refresh the footer."""
    key_map = node._bindings.key_to_bindings
    for key, bindings in key_map.items():
        key_map[key] = [
            dataclasses.replace(b, description=t(labels[b.action], lang))
            if b.action in labels
            else b
            for b in bindings
        ]
    refresh = getattr(node, "refresh_bindings", None)
    if refresh is not None:
        refresh()
