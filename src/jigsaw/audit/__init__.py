from jigsaw.audit.models import AuditEvent
from jigsaw.audit.services import record, record_many

__all__ = ["AuditEvent", "record", "record_many"]
