from jigsaw.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from jigsaw.audit.queries import (
    AuditEntryView,
    get_latest_checkpoint,
    list_accesses_to_child,
    list_actions_by_user,
)
from jigsaw.audit.services import checkpoint_if_due, record, record_many, write_checkpoint
from jigsaw.audit.verify import Problem, VerifyResult, verify_log

__all__ = [
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEntryView",
    "AuditEvent",
    "Problem",
    "VerifyResult",
    "checkpoint_if_due",
    "get_latest_checkpoint",
    "list_accesses_to_child",
    "list_actions_by_user",
    "record",
    "record_many",
    "verify_log",
    "write_checkpoint",
]
