"""A private audience's subscribable files again under ``feeds/<secret>/``, for readers without a login.

Feed readers, calendar apps and Statuspage API clients cannot pass an interactive sign-on, so the
sign-on in front of a private site lets ``/feeds/*`` through (README, "Private audiences behind
single sign-on"), and only someone who was given the secret address finds anything there. Only the
files meant for machines are copied, never a page; the feeds' own ``self`` links carry the secret
address, so a reader that follows them stays on it, and their entries link to the signed-in pages.
"""

from __future__ import annotations

from statusgen.render.api import render_api
from statusgen.render.badges import render_badges
from statusgen.render.feeds import render_feeds
from statusgen.render.ical import render_ical
from statusgen.view.types import AudienceView


def secret_feed_files(view: AudienceView, secret: str) -> dict[str, bytes]:
    """Feeds, ``maintenance.ics``, the JSON API and badges of ``view`` under ``feeds/<secret>/``.

    :param secret: checked by :func:`statusgen.load.feedsecrets.feed_secrets`, URL-safe.
    """
    if view.access != "private":
        raise ValueError(f"the audience {view.id!r} is public; its feeds need no secret address")
    prefix = f"feeds/{secret}/"
    files = render_feeds(view, prefix)
    for render in (render_ical, render_api, render_badges):
        files.update({prefix + path: content for path, content in render(view).items()})
    return files
