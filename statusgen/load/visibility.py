"""Whether the status repository itself may be public while its files hold what the sites hide.

Redaction protects the built sites only: ``[internal]`` updates, drafts and private audiences' files
are plain text in the repository, so a public repository publishes them. statusgen can see the git
remotes and, in CI, what GitHub says the repository's visibility is; it cannot ask a host whether a
repository is private.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from statusgen.errors import Problem
from statusgen.model import Repository

PUBLIC_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
"""Hosts where anyone may create a public repository."""
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]+@)?(?P<host>[^/:]+)", re.IGNORECASE)


def remote_hosts(root: Path) -> list[tuple[str, str]]:
    """``(remote name, host)`` of every git remote of ``root``; empty outside a git checkout."""
    command = ["git", "-C", str(root), "config", "--get-regexp", r"^remote\..*\.url$"]
    try:
        lines = subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):  # no git, no checkout or no remote
        return []
    hosts = []
    for line in lines:
        key, _, url = line.partition(" ")
        match = _HOST.match(url.strip())
        if match:
            hosts.append((key.removeprefix("remote.").removesuffix(".url"), match["host"].lower()))
    return hosts


def internal_content(repository: Repository) -> list[str]:
    """What the repository's files hold that no public site shows, in a few words each."""
    found = [
        f"the private audience '{a}'"
        for a, audience in repository.audiences.items()
        if audience.access == "private"
    ]
    notes = sum(update.internal for incident in repository.incidents for update in incident.updates)
    if notes:
        found.append(f"{notes} [internal] update{'s' if notes != 1 else ''}")
    drafts = sum(incident.draft for incident in repository.incidents)
    if drafts:
        found.append(f"{drafts} draft incident{'s' if drafts != 1 else ''}")
    return found


def visibility_warnings(
    repository: Repository, hosts: list[tuple[str, str]], visibility: str | None
) -> list[Problem]:
    """A warning when the repository is, or may be, public and holds internal content.

    :param hosts: the git remotes (:func:`remote_hosts`).
    :param visibility: what the host said (``public``, ``private``, ``internal``), e.g. from
        GitHub's event in CI; ``None`` when unknown.
    """
    content = internal_content(repository)
    if not content or visibility in {"private", "internal"}:
        return []
    held = ", ".join(content)
    if visibility == "public":
        message = (
            f"this repository is public and its files hold {held}, which anyone can read on the host "
            "whatever the sites hide; make the repository private"
        )
        return [Problem("site-config", 1, 1, message, "warning")]
    public = [(name, host) for name, host in hosts if host in PUBLIC_HOSTS]
    if not public:
        return []
    name, host = public[0]
    message = (
        f"the git remote '{name}' is on {host}, where repositories can be public, and the files hold "
        f"{held}; statusgen cannot see whether the repository is private: if it is public, anyone can "
        "read them whatever the sites hide, so make it private (in CI, validate.yml passes GitHub's "
        "answer as STATUSGEN_REPOSITORY_VISIBILITY and this becomes certain)"
    )
    return [Problem("site-config", 1, 1, message, "warning")]
