"""``notifications/<audience>.log``: one line per delivered message, so git shows who was told what.

A line is ``<time>  <verb>  <channel>  <recipient>  <key>…`` separated by tabs: ``sent`` for a
delivered message (its recipient an address, or ``*`` for a chat or webhook channel), ``recorded``
for what a channel's first run counts as told without sending, ``subscribed`` for the run in which
an address first appeared. Lines are only ever appended, in any order (``merge=union`` keeps both
sides of a merge), so every question below is answered from times, never from line order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from statusgen.model import ComponentStatus
from statusgen.notify.events import Event
from statusgen.write.append import append_lines

FOLDER = "notifications"
EVERYONE = "*"
_VERBS = frozenset({"sent", "recorded", "subscribed"})


def ledger_path(root: Path, audience_id: str) -> Path:
    return root / FOLDER / f"{audience_id}.log"


@dataclass
class _Told:
    """What one recipient of one channel was told."""

    since: datetime | None = None
    """Its first line: it was a recipient from then on."""
    keys: set[str] = field(default_factory=set)
    states: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    """Slot → (time, value) of the newest line that told it."""


@dataclass
class ChannelLedger:
    """Everything the ledger says about one channel."""

    key: str
    recipients: dict[str, _Told] = field(default_factory=dict)
    first_told: dict[str, datetime] = field(default_factory=dict)
    """Key → when any recipient was first told it."""
    channel_states: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    """Slot → newest (time, value) told to anyone."""

    @property
    def is_new(self) -> bool:
        """No line at all: the channel's first run records instead of sending."""
        return not self.recipients

    def knows(self, recipient: str) -> bool:
        return recipient in self.recipients and recipient != EVERYONE

    def add(self, at: datetime, recipient: str, keys: Iterable[str]) -> None:
        told = self.recipients.setdefault(recipient, _Told())
        told.since = at if told.since is None else min(told.since, at)
        for key in keys:
            slot, is_state, value = key.partition("=")
            if is_state:
                _newer(told.states, slot, at, value)
                _newer(self.channel_states, slot, at, value)
            else:
                told.keys.add(key)
            self.first_told[key] = min(self.first_told.get(key, at), at)

    def still_open(self, events: Sequence[Event]) -> list[Event]:
        """``events`` less those recorded as told to everyone: most of them, once a channel has run."""
        everyone = self.recipients.get(EVERYONE, _Told()).keys
        return [event for event in events if event.slot is not None or event.key not in everyone]

    def due_events(self, events: Sequence[Event], recipient: str) -> list[Event]:
        """The ``events`` (in their order) ``recipient`` is still to be told.

        Pass :meth:`still_open` events for many recipients: with a thousand subscribers and the
        events of years, testing every pair would take minutes.
        """
        mine = self.recipients.get(recipient, _Told()).keys
        return [event for event in events if event.key not in mine and self.due(event, recipient)]

    def due(self, event: Event, recipient: str) -> bool:
        """Whether ``recipient`` is still to be told ``event``.

        Told to everyone, or to the recipient, is done. Else it is due when nobody on the channel was
        told it yet, or when the recipient was one before it was first told (a run stopped part way
        through the recipients). An address that appeared later is not sent what came before it.
        """
        everyone = self.recipients.get(EVERYONE, _Told())
        mine = self.recipients.get(recipient, _Told())
        if event.slot is not None:
            return self._state_due(event, everyone, mine)
        if event.key in everyone.keys or event.key in mine.keys:
            return False
        first = self.first_told.get(event.key)
        return first is None or (mine.since is not None and mine.since <= first)

    def _state_due(self, event: Event, everyone: _Told, mine: _Told) -> bool:
        assert event.slot is not None
        value = event.key.partition("=")[2]
        known = max((everyone.states.get(event.slot), mine.states.get(event.slot)), key=_time)
        if (known[1] if known else ComponentStatus.OPERATIONAL.value) == value:
            return False
        channel = self.channel_states.get(event.slot)
        if channel is None or channel[1] != value:
            return True
        return mine.since is not None and mine.since <= channel[0]

    def told_family(self, family: str) -> bool:
        """Whether any key starting with ``family`` was told (a maintenance window was announced)."""
        return any(key.startswith(family) for key in self.first_told)


def _time(entry: tuple[datetime, str] | None) -> datetime:
    return entry[0] if entry else datetime.min.replace(tzinfo=UTC)


def _newer(states: dict[str, tuple[datetime, str]], slot: str, at: datetime, value: str) -> None:
    if slot not in states or states[slot][0] <= at:
        states[slot] = (at, value)


@dataclass
class Ledger:
    """One audience's ledger file, as read, and the appends made to it since."""

    path: Path
    exists: bool
    channels: dict[str, ChannelLedger] = field(default_factory=dict)

    def channel(self, key: str) -> ChannelLedger:
        return self.channels.setdefault(key, ChannelLedger(key))

    def append(self, at: datetime, verb: str, channel: str, recipient: str, keys: Sequence[str]) -> None:
        """Write one line to disk (flushed and synced), then count it as known."""
        self.append_many(at, verb, channel, [(recipient, keys)])

    def append_many(
        self, at: datetime, verb: str, channel: str, entries: Sequence[tuple[str, Sequence[str]]]
    ) -> None:
        """Write several lines in one synced append (a first run's records)."""
        stamp = format_time(at)
        append_lines(self.path, ["\t".join((stamp, verb, channel, who, *keys)) for who, keys in entries])
        for who, keys in entries:
            self.channel(channel).add(at, who, keys)
        self.exists = True


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_ledger(path: Path) -> Ledger:
    """The ledger at ``path``; a line that is not one (cut short by a crash, mangled) is skipped."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return Ledger(path, exists=False)
    ledger = Ledger(path, exists=True)
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or parts[1] not in _VERBS:
            continue
        try:
            at = datetime.strptime(parts[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        ledger.channel(parts[2]).add(at, parts[3], parts[4:])
    return ledger
