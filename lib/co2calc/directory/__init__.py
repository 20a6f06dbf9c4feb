"""Units, hierarchy, people and roles from the institution's directory.

A provider returns a ``DirectorySnapshot``; ``sync`` applies it in one
transaction. A provider that fails raises ``DirectoryUnavailable`` and nothing
is changed: a failing directory never deletes users or roles.
"""

from co2calc.directory.model import (
    DirectoryPerson,
    DirectoryRole,
    DirectorySnapshot,
    DirectoryUnavailable,
    DirectoryUnit,
    SnapshotRejected,
)
from co2calc.directory.sync import SyncReport, guarded_sync, sync

__all__ = [
    "DirectoryPerson",
    "DirectoryRole",
    "DirectorySnapshot",
    "DirectoryUnavailable",
    "DirectoryUnit",
    "SnapshotRejected",
    "SyncReport",
    "guarded_sync",
    "sync",
]
