"""Messages from templates: Jinja2, French and English, HTML + text, personalised.

A send step either writes its subject and body in the scenario (both languages; Jinja2 inside,
paragraphs separated by blank lines, wrapped in the packaged layout) or names a template file
``scenarios/templates/<name>.<lang>.j2`` defining the blocks ``subject``, ``text`` and ``html``.
The context: ``customer`` (contact attributes, first_name...), ``persona``, ``scenario``,
``touchpoint`` (label from the journey map), ``event`` (the trigger's data), ``unsubscribe_url``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from parcours.errors import ParcoursError
from parcours.orchestrate._model import Scenario, Send

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = ["Renderer"]

_UNSUB = {"fr": "Se désabonner", "en": "Unsubscribe"}


class Renderer:
    def __init__(self, templates_dir: Path | None = None, journey: Journey | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir is not None:
            loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
        loaders.append(jinja2.PackageLoader("parcours.orchestrate", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html", "html.j2"]),
            undefined=jinja2.ChainableUndefined,
        )
        # the same files read for their html block with escaping always on (customer data in an
        # email's HTML must be escaped), and for subject and text without it
        self.html_env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
        )
        self.plain_env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,  # noqa: S701  # subject and text parts are plain text
            undefined=jinja2.ChainableUndefined,
        )
        self.text_env = jinja2.Environment(autoescape=False, undefined=jinja2.ChainableUndefined)  # noqa: S701  # plain text
        self.journey = journey

    @lru_cache(maxsize=512)  # noqa: B019  # one renderer per engine, lives as long as it
    def _inline(self, source: str) -> jinja2.Template:
        return self.text_env.from_string(source)

    def inline(self, source: str, values: dict[str, Any]) -> str:
        """A short text with Jinja2 placeholders (task reasons, SMS bodies)."""
        try:
            return self._inline(source).render(values).strip()
        except jinja2.TemplateError as exc:
            raise ParcoursError(f"expected a valid Jinja2 text, found {source!r} ({exc})") from exc

    def context(
        self,
        scenario: Scenario,
        contact: dict[str, Any],
        lang: str,
        event: dict[str, Any] | None,
        unsubscribe_url: str | None,
    ) -> dict[str, Any]:
        attrs = dict(contact.get("attrs") or {})
        customer = {
            **attrs,
            "customer_id": contact.get("customer_id"),
            "email": contact.get("email"),
        }
        touchpoint = None
        if self.journey is not None and scenario.touchpoint:
            from parcours.model import text

            for tp in getattr(self.journey, "touchpoints", []):
                if tp.id == scenario.touchpoint:
                    touchpoint = {
                        "id": tp.id,
                        "label": text(getattr(tp, "label", None) or tp.id, lang),
                    }
        labels: dict[str, str] = {str(k): v for k, v in scenario.label.items()}
        return {
            "customer": customer,
            "persona": attrs.get("persona"),
            "scenario": {"id": scenario.id, "label": labels.get(lang, scenario.id)},
            "touchpoint": touchpoint,
            "event": event or {},
            "lang": lang,
            "unsubscribe_url": unsubscribe_url,
            "unsubscribe_label": _UNSUB.get(lang, _UNSUB["en"]),
        }

    def sms_text(self, send: Send, context: dict[str, Any]) -> str:
        """The body alone, paragraphs on their own lines: no layout, no footer (the SMS
        provider adds its opt-out mention)."""
        _subject, text, _html = self.render(send, {**context, "unsubscribe_url": None})
        if send.template is not None:
            return text
        bodies = {str(k): v for k, v in (send.body or {}).items()}
        body = self.inline(bodies.get(context["lang"], bodies.get("fr", "")), context)
        return "\n".join(p.strip() for p in body.split("\n\n") if p.strip())

    def render(self, send: Send, context: dict[str, Any]) -> tuple[str, str, str]:
        """(subject, text, html) in the context's language."""
        lang = context["lang"]
        try:
            if send.template is not None:
                name = f"{send.template}.{lang}.j2"
                plain = self.plain_env.get_template(name)
                escaped = self.html_env.get_template(name)

                def block(template: jinja2.Template, part: str) -> str:
                    render = template.blocks.get(part)
                    if render is None:
                        return ""
                    return "".join(render(template.new_context(context))).strip()

                return block(plain, "subject"), block(plain, "text"), block(escaped, "html")
            assert send.body is not None
            subjects: dict[str, str] = {str(k): v for k, v in (send.subject or {}).items()}
            bodies: dict[str, str] = {str(k): v for k, v in send.body.items()}
            subject = self._inline(subjects.get(lang, "")).render(context).strip()
            body = self._inline(bodies.get(lang, bodies["fr"])).render(context)
            paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
            values = {**context, "subject": subject, "paragraphs": paragraphs}
            text_body = self.env.get_template("email.txt.j2").render(values).strip()
            html = self.env.get_template("email.html.j2").render(values)
            return subject, text_body, html
        except jinja2.TemplateError as exc:
            raise ParcoursError(
                f"template of scenario {context['scenario']['id']!r}: expected a valid Jinja2 "
                f"template ({send.template or 'inline body'}, {lang}), found {exc}"
            ) from exc
